// Demo flow approval step (the flow suspends after it), as Windmill
// recommends: it describes the order and hands out the resume/cancel URLs
// (wmill.getResumeUrls) to send to approvers; they can also use the
// Approve / Reject buttons of the flow run page. Locally the URLs work while
// the process that issued them runs (the local windmill-client API); after
// `wm-local run` exits, answer with `npx wm-local resume <job> [-d '{"note": "..."}'] [--reject]`.
import * as wmill from "windmill-client";

export async function main(plan: { lines: { sku: string; qty: number }[]; total_units: number }) {
  const title = `Approve a purchase order of ${plan.total_units} units across ${plan.lines.length} SKU(s)`;
  console.log(title);
  return { title, lines: plan.lines, urls: await wmill.getResumeUrls() };
}
