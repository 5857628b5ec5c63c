// The BulkOperation object as we use it: Shopify sends the UnsignedInt64 counters
// as JSON strings ("1432"), so they are parsed here once.
export type BulkStatus = "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELING" | "CANCELED" | "EXPIRED";
export type BulkErrorCode = "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT";

export interface BulkOperation {
  id: string;
  status: BulkStatus;
  errorCode: BulkErrorCode | null;
  createdAt: string;
  completedAt: string | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
  partialDataUrl: string | null;
}

/** Statuses after which Shopify will not change the operation any more (EXPIRED aside). */
export const FINAL_STATUSES: readonly BulkStatus[] = ["COMPLETED", "FAILED", "CANCELED", "EXPIRED"];

export function isFinal(status: BulkStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

export interface RawBulkOperation extends Omit<BulkOperation, "objectCount" | "rootObjectCount" | "fileSize"> {
  objectCount: string | number;
  rootObjectCount: string | number;
  fileSize: string | number | null;
}

export function parseBulkOperation(raw: RawBulkOperation): BulkOperation {
  return {
    ...raw,
    objectCount: Number(raw.objectCount ?? 0),
    rootObjectCount: Number(raw.rootObjectCount ?? 0),
    fileSize: raw.fileSize === null || raw.fileSize === undefined ? null : Number(raw.fileSize),
  };
}

/** `gid://shopify/BulkOperation/123` -> `123` (archive keys, logs). */
export function bulkOperationNumber(id: string): string {
  return id.slice(id.lastIndexOf("/") + 1);
}
