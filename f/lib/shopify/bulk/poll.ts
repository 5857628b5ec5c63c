// Polling `bulkOperation(id:)` (2026-01+; `currentBulkOperation` is deprecated)
// with a growing interval until the job reaches a final status.
import type { ShopifyClient } from "../client.ts";
import { gql } from "../gql.ts";
import { isFinal, parseBulkOperation, type BulkOperation, type RawBulkOperation } from "./operation.ts";

const GET_OPERATION = gql`
  query BulkOperation($id: ID!) {
    bulkOperation(id: $id) {
      id
      status
      errorCode
      createdAt
      completedAt
      objectCount
      rootObjectCount
      fileSize
      url
      partialDataUrl
    }
  }
`;

export class BulkOperationNotFoundError extends Error {
  override name = "BulkOperationNotFoundError";
}

export async function getBulkOperation(client: ShopifyClient, id: string): Promise<BulkOperation | null> {
  const data = await client.request<{ bulkOperation: RawBulkOperation | null }>(GET_OPERATION, { id });
  return data.bulkOperation ? parseBulkOperation(data.bulkOperation) : null;
}

export interface PollOptions {
  sleep: (ms: number) => Promise<void>;
  /** First wait; each next one is 1.5x longer up to maxIntervalMs (Estuary polls 5 s .. 150 s). */
  initialIntervalMs?: number;
  maxIntervalMs?: number;
  /** Called after every poll (ledger updates, heartbeat, progress log). */
  onPoll?: (operation: BulkOperation) => Promise<void> | void;
  /**
   * Cuts a wait short when the job is announced finished (the
   * bulk_operations/finish webhook, f/lib/webhooks/bulk_finish.ts
   * `listenForBulkFinish`); the poll still decides.
   */
  wakeOn?: FinishListener;
}

/** Subscribes to "job `id` finished" announcements; `wake` may be called at any time. */
export type FinishListener = (id: string, wake: () => void) => Promise<{ unlisten(): Promise<void> }>;

export async function pollUntilFinal(client: ShopifyClient, id: string, opts: PollOptions): Promise<BulkOperation> {
  let interval = opts.initialIntervalMs ?? 1000;
  // An announcement between two polls is remembered, so the next wait is skipped.
  let announced = false;
  let cutShort: (() => void) | null = null;
  const subscription = await opts.wakeOn?.(id, () => {
    announced = true;
    cutShort?.();
  });
  try {
    for (;;) {
      announced = false;
      const operation = await getBulkOperation(client, id);
      // Unknown id: Shopify answers null (e.g. a job of another app or shop).
      if (!operation) throw new BulkOperationNotFoundError(`Shopify does not know bulk operation ${id}`);
      await opts.onPoll?.(operation);
      if (isFinal(operation.status)) return operation;
      if (!announced) {
        await new Promise<void>((resolve) => {
          cutShort = resolve;
          void opts.sleep(interval).then(resolve);
        });
        cutShort = null;
      }
      interval = Math.min(opts.maxIntervalMs ?? 30_000, Math.round(interval * 1.5));
    }
  } finally {
    await subscription?.unlisten();
  }
}
