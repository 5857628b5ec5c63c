// Demo flow failure module: reports which step failed and why.
export async function main(message: string, step_id: string) {
  console.error(`demo flow failed at step ${step_id}: ${message}`);
  return { reported: true, step_id, message };
}
