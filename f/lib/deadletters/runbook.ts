// Where each dead-letter class is explained: a section of the ingest-failures
// runbook (the heading is the class name, so the anchor is too).
import type { ErrorClass } from "../ingest/records.ts";

export const INGEST_FAILURES_RUNBOOK = "docs/runbooks/interpret-ingest-failures.md";

const SUMMARY: Record<ErrorClass, string> = {
  json_syntax: "The line is not valid JSON (cut short in transit, or corrupted). The archive holds the same bytes, so a retry fails again; dismiss once a later run re-exported the record.",
  invalid_utf8: "The line has bytes that are not UTF-8. Same bytes in the archive: dismiss once a later run re-exported the record.",
  unknown_type: "The line's GID names a type the ingest does not route (a changed bulk query?). Retry after the ingest learns the type.",
  invalid_record: "JSON that fails a field check, or a child whose parent is not in its file. Retry once the parser is fixed or the parent is in the mirror.",
};

export function runbookFor(errorClass: string): { section: string; summary: string } {
  const known = errorClass in SUMMARY;
  return {
    section: `${INGEST_FAILURES_RUNBOOK}#${known ? errorClass : "other-classes"}`,
    summary: known ? SUMMARY[errorClass as ErrorClass] : "Not a class the ingest writes today; see the runbook's last section.",
  };
}

/** A child line whose parent was missing from its file (an invalid_record the merge wrote). */
export function isOrphan(message: string): boolean {
  return /: its parent \S+ is not in this file/.test(message);
}
