// Starting a bulk query (`bulkOperationRunQuery`, API 2026-10). userErrors are
// turned into the error classes of errors.ts so the caller can decide: INVALID
// fails loudly, OPERATION_IN_PROGRESS waits or resumes, LIMIT_REACHED waits.
import type { ShopifyClient } from "../client.ts";
import { gql } from "../gql.ts";
import { BulkLimitReachedError, BulkOperationInProgressError, BulkQueryInvalidError } from "./errors.ts";
import { parseBulkOperation, type BulkOperation, type RawBulkOperation } from "./operation.ts";

const RUN_QUERY = gql`
  mutation BulkOperationRunQuery($query: String!) {
    bulkOperationRunQuery(query: $query) {
      bulkOperation {
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
      userErrors {
        field
        message
        code
      }
    }
  }
`;

interface RunQueryData {
  bulkOperationRunQuery: {
    bulkOperation: RawBulkOperation | null;
    userErrors: { field: string[] | null; message: string; code: string | null }[];
  };
}

const GID = /gid:\/\/shopify\/BulkOperation\/\d+/g;

/** Starts the export; never retried here (a retried start could leave a duplicate job running). */
export async function startBulkQuery(client: ShopifyClient, query: string): Promise<BulkOperation> {
  const data = await client.request<RunQueryData>(RUN_QUERY, { query });
  const { bulkOperation, userErrors } = data.bulkOperationRunQuery;
  const inProgress = userErrors.find((e) => e.code === "OPERATION_IN_PROGRESS");
  if (inProgress) throw new BulkOperationInProgressError(inProgress.message, inProgress.message.match(GID) ?? []);
  const limit = userErrors.find((e) => e.code === "LIMIT_REACHED");
  if (limit) throw new BulkLimitReachedError(`Shopify: ${limit.message}`);
  if (userErrors.length) throw new BulkQueryInvalidError(userErrors.map((e) => e.message).join("; "), query);
  if (!bulkOperation) throw new BulkQueryInvalidError("bulkOperationRunQuery returned neither an operation nor userErrors", query);
  return parseBulkOperation(bulkOperation);
}
