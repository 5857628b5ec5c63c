// Windmill schedule crons: 6 fields with seconds (an optional 7th is the
// year), read in the schedule's IANA timezone. `cron_version: v2` is Windmill's
// croner-based parser (day of week 0-6 from Sunday); without it Windmill uses
// the `cron` crate, whose days of week run 1-7 from Sunday (Quartz numbering).
import { Cron } from "croner";

export class CronError extends Error {
  override name = "CronError";
}

export interface ScheduleCron {
  /** The first run strictly after `after`, or null if none. */
  nextRun(after: Date): Date | null;
}

export function scheduleCron(expression: string, timezone: string, cronVersion?: string): ScheduleCron {
  const fields = expression.trim().split(/\s+/);
  if (fields.length < 6) {
    throw new CronError(
      `cron "${expression}" has ${fields.length} fields; Windmill schedules need 6 (seconds first), e.g. "0 ${expression.trim()}"`,
    );
  }
  if (fields.length > 7) throw new CronError(`cron "${expression}" has ${fields.length} fields; Windmill schedules take 6 (or 7 with a year)`);
  if (cronVersion !== undefined && cronVersion !== "v1" && cronVersion !== "v2") throw new CronError(`cron_version "${cronVersion}" is unknown (v1 or v2)`);
  if (!isTimezone(timezone)) throw new CronError(`timezone "${timezone}" is not an IANA timezone`);
  let cron: Cron;
  try {
    cron = new Cron(expression, {
      timezone,
      paused: true,
      mode: "6-or-7-parts",
      alternativeWeekdays: cronVersion !== "v2",
    });
  } catch (e) {
    throw new CronError(`cron "${expression}": ${(e as Error).message}`);
  }
  return { nextRun: (after) => cron.nextRun(after) };
}

function isTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
