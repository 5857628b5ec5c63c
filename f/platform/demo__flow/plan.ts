// Totals the SKUs the assessment flagged for reordering.
export async function main(assessments: { sku: string; reorder: boolean; qty: number }[]) {
  const lines = assessments.filter((a) => a.reorder).map((a) => ({ sku: a.sku, qty: a.qty }));
  return { lines, total_units: lines.reduce((sum, l) => sum + l.qty, 0) };
}
