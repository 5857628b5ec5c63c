// What a bulk export can end in, as error classes the sync tells apart: a
// rejected query fails loudly, a conflict waits or resumes, a failed job is
// re-run, a TIMEOUT splits the window, an expired result is re-run, a broken
// download is fetched again.
import type { BulkErrorCode, BulkOperation } from "./operation.ts";

/** Shopify refused the query (`INVALID`): retrying cannot help; the message is Shopify's. */
export class BulkQueryInvalidError extends Error {
  override name = "BulkQueryInvalidError";
  constructor(readonly shopifyMessage: string, readonly query: string) {
    super(`Shopify rejected the bulk query: ${shopifyMessage}`);
  }
}

/** `OPERATION_IN_PROGRESS`: the per-shop limit of running bulk queries is reached. */
export class BulkOperationInProgressError extends Error {
  override name = "BulkOperationInProgressError";
  constructor(readonly shopifyMessage: string, readonly runningIds: string[]) {
    super(`Shopify: ${shopifyMessage}`);
  }
}

/** `LIMIT_REACHED` (never captured; treated as "try again later"). */
export class BulkLimitReachedError extends Error {
  override name = "BulkLimitReachedError";
}

/** A job ended FAILED (or CANCELED) with an error code we retry or split on. */
export class BulkOperationFailedError extends Error {
  override name = "BulkOperationFailedError";
  constructor(readonly operation: BulkOperation, detail = "") {
    super(`bulk operation ${operation.id} ended ${operation.status}${operation.errorCode ? ` (${operation.errorCode})` : ""}${detail ? `: ${detail}` : ""}`);
  }
  get errorCode(): BulkErrorCode | null {
    return this.operation.errorCode;
  }
}

/** ACCESS_DENIED: the app lacks a scope for something the query selects. */
export class BulkAccessDeniedError extends Error {
  override name = "BulkAccessDeniedError";
  constructor(message: string, readonly missingScopes: string[]) {
    super(message);
  }
}

/** The result URL no longer answers (EXPIRED status, or 403 on the GET): run the job again. */
export class BulkResultExpiredError extends Error {
  override name = "BulkResultExpiredError";
}

/** The result download broke (5xx, connection reset, short body): download it again. */
export class BulkDownloadError extends Error {
  override name = "BulkDownloadError";
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}
