// Raising an alert row (`alerts`): deduplicated on an open alert with the same
// key, whose occurrence count goes up instead. Delivery to Slack/email sinks is
// the platform alert script's job; the table is always written.
import type { Sql } from "postgres";

export interface AlertInput {
  severity: "info" | "warning" | "critical";
  source: string;
  dedupeKey: string;
  title: string;
  body?: string;
  details?: Record<string, unknown>;
}

export async function raiseAlert(sql: Sql, alert: AlertInput): Promise<{ id: number; occurrences: number }> {
  const [row] = await sql<{ id: number; occurrences: number }[]>`
    insert into alerts (severity, source, dedupe_key, title, body, details)
    values (${alert.severity}, ${alert.source}, ${alert.dedupeKey}, ${alert.title}, ${alert.body ?? ""}, ${sql.json((alert.details ?? {}) as never)})
    on conflict (dedupe_key) where resolved_at is null do update set
      occurrences = alerts.occurrences + 1, last_seen_at = now(), title = excluded.title, body = excluded.body,
      details = excluded.details, severity = excluded.severity
    returning id::int as id, occurrences`;
  return row!;
}
