// Small conversions from Shopify's REST webhook payloads to the values the
// GraphQL Admin API (and so our bulk exports) uses for the same object:
// numeric ids -> GIDs, any-offset timestamps -> UTC, money strings and REST
// money sets -> GraphQL money bags with Decimal text ("10.0", "24.95").

export type Json = Record<string, unknown>;

/** The fields REST gave a value for: what it left undefined stays what the held node says. */
export function dropUndefined(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export function gid(type: string, id: unknown): string | null {
  if (id === null || id === undefined || id === "") return null;
  const text = String(id);
  return text.startsWith("gid://") ? text : `gid://shopify/${type}/${text}`;
}

/** The object's GID: REST payloads carry `admin_graphql_api_id` next to the numeric `id`. */
export function objectGid(type: string, o: Json): string | null {
  return typeof o.admin_graphql_api_id === "string" ? o.admin_graphql_api_id : gid(type, o.id);
}

/** The numeric part of a GID (`legacyResourceId`), or null. */
export function legacyId(id: string | null): string | null {
  const m = id ? /^gid:\/\/shopify\/[A-Za-z]+\/(\d+)/.exec(id) : null;
  return m ? m[1]! : null;
}

/** GraphQL DateTime: UTC, whole seconds ("2026-11-27T15:00:00Z"), from REST's local-offset text. */
export function utc(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  const ms = Date.parse(String(value));
  if (Number.isNaN(ms)) throw new Error(`not a timestamp: ${JSON.stringify(value)}`);
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** GraphQL enum value from REST's lowercase word ("partially_paid" -> "PARTIALLY_PAID"). */
export function enumValue(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value.toUpperCase() : null;
}

/** REST "a, b" tag text -> ["a", "b"]. */
export function tagList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== "string") return [];
  return value.split(",").map((t) => t.trim()).filter(Boolean);
}

/** Shopify's Decimal text: "10.00" -> "10.0", "24.950" -> "24.95", "7" -> "7.0". */
export function decimalText(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  const text = String(value).trim();
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`not a decimal amount: ${JSON.stringify(value)}`);
  if (!text.includes(".")) return `${text}.0`;
  const trimmed = text.replace(/0+$/, "");
  return trimmed.endsWith(".") ? `${trimmed}0` : trimmed;
}

export interface Money {
  amount: string;
  currencyCode: string;
}

/** A REST money set (`{shop_money: {amount, currency_code}}`) or the GraphQL shape, as GraphQL MoneyV2 pairs. */
function moneySet(set: unknown): { shop: Money | null; presentment: Money | null } {
  if (!set || typeof set !== "object") return { shop: null, presentment: null };
  const s = set as Json;
  const pick = (m: unknown): Money | null => {
    if (!m || typeof m !== "object") return null;
    const x = m as Json;
    const amount = decimalText(x.amount);
    const currencyCode = (x.currency_code ?? x.currencyCode) as string | undefined;
    return amount !== null && currencyCode ? { amount, currencyCode } : null;
  };
  return { shop: pick(s.shop_money ?? s.shopMoney), presentment: pick(s.presentment_money ?? s.presentmentMoney) };
}

/**
 * A GraphQL MoneyBag with the sub-fields our bulk query selects: from the REST
 * `<field>_set` when present, else from the plain amount in shop currency.
 * `presentment`: also select presentmentMoney (totalPriceSet only).
 */
export function moneyBag(set: unknown, amount: unknown, currency: string, presentment?: { currency: string }): Json | null {
  const fromSet = moneySet(set);
  const plain = decimalText(amount);
  const shop = fromSet.shop ?? (plain === null ? null : { amount: plain, currencyCode: currency });
  if (!shop) return null;
  if (!presentment) return { shopMoney: shop };
  // Without a presentment amount, it equals the shop amount only when the currencies agree.
  const other = fromSet.presentment ?? (presentment.currency === shop.currencyCode ? shop : null);
  return other ? { shopMoney: shop, presentmentMoney: other } : { shopMoney: shop };
}

/** The shop amount of a GraphQL money bag. */
export function bagAmount(bag: unknown): string | null {
  return ((bag as { shopMoney?: { amount?: string } } | null)?.shopMoney?.amount as string | undefined) ?? null;
}

/** Exact decimal arithmetic on Decimal text, in the finest scale of the operands. */
export function decimalOp(a: string, b: string, op: (x: bigint, y: bigint) => bigint): string {
  const scale = Math.max(decimals(a), decimals(b));
  const result = op(units(a, scale), units(b, scale));
  return fromUnits(result, scale);
}

/** `amount / n`, rounded down to the amount's own scale (cents for "24.95"). */
export function decimalDivFloor(a: string, n: number, scale = Math.max(2, decimals(a))): string {
  const u = units(a, scale);
  const d = BigInt(n);
  let q = u / d;
  if (u % d !== 0n && u < 0n) q -= 1n;
  return fromUnits(q, scale);
}

const decimals = (t: string) => (t.includes(".") ? t.length - t.indexOf(".") - 1 : 0);

function units(t: string, scale: number): bigint {
  const negative = t.startsWith("-");
  const [whole, frac = ""] = t.replace("-", "").split(".");
  const v = BigInt(whole! + frac.padEnd(scale, "0"));
  return negative ? -v : v;
}

function fromUnits(v: bigint, scale: number): string {
  const negative = v < 0n;
  const digits = (negative ? -v : v).toString().padStart(scale + 1, "0");
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return decimalText(`${negative ? "-" : ""}${text}`)!;
}
