/** Money is kept in integer cents and rendered like Shopify's Decimal strings ("10.0", "24.95"). */

export function decimal(cents: number): string {
  const negative = cents < 0;
  const abs = Math.abs(Math.round(cents));
  const whole = Math.floor(abs / 100);
  const fraction = abs % 100;
  const fractionText = fraction === 0 ? "0" : fraction % 10 === 0 ? String(fraction / 10) : String(fraction).padStart(2, "0");
  return `${negative ? "-" : ""}${whole}.${fractionText}`;
}

export interface MoneyV2 {
  amount: string;
  currencyCode: string;
}

export interface MoneyBag {
  shopMoney: MoneyV2;
  presentmentMoney: MoneyV2;
}

export function moneyV2(cents: number, currencyCode: string): MoneyV2 {
  return { amount: decimal(cents), currencyCode };
}

/** Presentment currency equals the shop currency in the simulated store. */
export function moneyBag(cents: number, currencyCode: string): MoneyBag {
  const money = moneyV2(cents, currencyCode);
  return { shopMoney: money, presentmentMoney: money };
}

export function centsOf(money: MoneyV2 | MoneyBag): number {
  const amount = "shopMoney" in money ? money.shopMoney.amount : money.amount;
  return Math.round(Number(amount) * 100);
}
