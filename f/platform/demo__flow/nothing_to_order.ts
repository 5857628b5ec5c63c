// The branch taken when every SKU is above its reorder point.
export async function main(plan: { total_units: number }) {
  return { status: "nothing to order", total_units: plan.total_units };
}
