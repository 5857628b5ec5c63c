// Reading the classification inputs that have no column from the raw
// mirror's payloads, defensively: the bulk query may select
// `shippingLine { title code }` (one object), `shippingLines` as a list or as
// a connection (edges/nodes), and line items' `customAttributes { key value }`.
// Anything absent or malformed reads as "none".
import type { Attribute, ShippingLineFacts } from "./dimensions.ts";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === "string" ? v : null);

function toShippingLine(v: unknown): ShippingLineFacts[] {
  return isObject(v) ? [{ title: str(v.title), code: str(v.code), isRemoved: v.isRemoved === true }] : [];
}

export function shippingLinesOf(orderPayload: unknown): ShippingLineFacts[] {
  if (!isObject(orderPayload)) return [];
  const out = toShippingLine(orderPayload.shippingLine);
  const many = orderPayload.shippingLines;
  const list: unknown[] = Array.isArray(many)
    ? many
    : isObject(many)
      ? [...(Array.isArray(many.edges) ? many.edges.map((e) => (isObject(e) ? e.node : null)) : []), ...(Array.isArray(many.nodes) ? many.nodes : [])]
      : [];
  for (const item of list) out.push(...toShippingLine(item));
  return out;
}

export function attributesOf(linePayload: unknown): Attribute[] {
  if (!isObject(linePayload) || !Array.isArray(linePayload.customAttributes)) return [];
  return linePayload.customAttributes.filter(isObject).flatMap((a) => (typeof a.key === "string" ? [{ key: a.key, value: str(a.value) }] : []));
}
