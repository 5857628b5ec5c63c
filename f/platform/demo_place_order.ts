// Demo flow step after the approval: "places" the approved purchase order
// (returns it; there is no supplier behind the demo).
export async function main(plan: { lines: { sku: string; qty: number }[]; total_units: number }, approvers: string[], note = "") {
  const order = { status: "ordered", lines: plan.lines, total_units: plan.total_units, approved_by: approvers, note };
  console.log(`ordered ${plan.total_units} units, approved by ${approvers.join(", ") || "nobody"}`);
  return order;
}
