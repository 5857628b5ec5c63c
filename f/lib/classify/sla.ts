// The fulfillment SLA: due = processed_at + N business days in the shop
// timezone. Business days skip the weekend days and holidays of the rules.
// Rules of the clock (the SQL refresh computes the same, f/lib/marts/sql.ts):
//  * N is 2 for stock, 5 for custom or mixed; rush gets ceil(N / divisor)
//    (halved and rounded up: 1 for stock, 3 for custom);
//  * the due time keeps the local time of day of processed_at, N business
//    days later, converted back to UTC with that day's offset (DST-correct);
//  * an order processed on a closed day starts the clock at 00:00 of the
//    next business day;
//  * a local time that does not exist on the due day (spring-forward gap)
//    takes the offset before the transition, and an ambiguous one the offset
//    after it, as Postgres does.
import dayjs from "dayjs";
import timezone from "dayjs/plugin/timezone.js";
import utc from "dayjs/plugin/utc.js";
import type { Priority, ProductionType } from "./dimensions.ts";
import type { Rules } from "./rules.ts";

dayjs.extend(utc);
dayjs.extend(timezone);

export function slaBusinessDays(production: ProductionType, prio: Priority, rules: Rules): number {
  const base = production === "stock" ? rules.stockBusinessDays : rules.customBusinessDays;
  return prio === "rush" ? Math.ceil(base / rules.rushDivisor) : base;
}

type Calendar = Pick<Rules, "weekendDays" | "holidays">;

const DAY_MS = 86_400_000;
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function isOpen(dateMs: number, calendar: Calendar): boolean {
  return !calendar.weekendDays.includes(new Date(dateMs).getUTCDay()) && !calendar.holidays.includes(dateOf(dateMs));
}

/** `days` business days after `start`, in `tz`. */
export function addBusinessDays(start: Date, days: number, tz: string, calendar: Calendar): Date {
  if (calendar.weekendDays.length >= 7) throw new Error("addBusinessDays: every day of the week is a weekend day");
  const local = dayjs(start).tz(tz);
  let dateMs = Date.UTC(local.year(), local.month(), local.date());
  let timeOfDay = local.format("HH:mm:ss.SSS");
  let guard = 0;
  const step = () => {
    dateMs += DAY_MS;
    if (++guard > 3660) throw new Error("addBusinessDays: no business day within 10 years (check the holidays)");
  };
  if (!isOpen(dateMs, calendar)) {
    timeOfDay = "00:00:00.000";
    do step();
    while (!isOpen(dateMs, calendar));
  }
  for (let n = 0; n < days; ) {
    step();
    if (isOpen(dateMs, calendar)) n++;
  }
  return dayjs.tz(`${dateOf(dateMs)}T${timeOfDay}`, tz).toDate();
}

/** The local calendar date (YYYY-MM-DD) of an instant in `tz`: the shop day. */
export function shopDay(at: Date, tz: string): string {
  return dayjs(at).tz(tz).format("YYYY-MM-DD");
}
