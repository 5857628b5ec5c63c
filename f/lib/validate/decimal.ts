// Exact sums of Shopify Decimal strings ("123.45"), never through a float:
// the value is scaled to a bigint at the longer of the two scales.

function parts(value: string): { digits: bigint; scale: number } {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) throw new Error(`not a decimal: ${JSON.stringify(value)}`);
  const frac = m[3] ?? "";
  return { digits: BigInt(`${m[1]}${m[2]}${frac}`), scale: frac.length };
}

function format(digits: bigint, scale: number): string {
  const negative = digits < 0n;
  const text = (negative ? -digits : digits).toString().padStart(scale + 1, "0");
  const whole = scale ? text.slice(0, -scale) : text;
  const frac = scale ? text.slice(-scale).replace(/0+$/, "") : "";
  return `${negative ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
}

export function addDecimal(a: string, b: string): string {
  const x = parts(a);
  const y = parts(b);
  const scale = Math.max(x.scale, y.scale);
  const sum = x.digits * 10n ** BigInt(scale - x.scale) + y.digits * 10n ** BigInt(scale - y.scale);
  return format(sum, scale);
}

/** a - b, exactly. */
export function subtractDecimal(a: string, b: string): string {
  return addDecimal(a, b.startsWith("-") ? b.slice(1) : `-${b}`);
}

/** Canonical text ("10.5000" -> "10.5"), so equal amounts compare equal. */
export function normalizeDecimal(value: string): string {
  const p = parts(value);
  return format(p.digits, p.scale);
}
