// Cancelling a bulk query (`bulkOperationCancel`): used on orphaned jobs of a
// dead run that hold one of the shop's five slots.
import type { ShopifyClient } from "../client.ts";
import { gql } from "../gql.ts";

const CANCEL = gql`
  mutation BulkOperationCancel($id: ID!) {
    bulkOperationCancel(id: $id) {
      bulkOperation {
        id
        status
      }
      userErrors {
        field
        message
      }
    }
  }
`;

/** True when Shopify accepted the cancel; false when the job had already finished or does not exist. */
export async function cancelBulkOperation(client: ShopifyClient, id: string): Promise<{ canceled: boolean; message?: string }> {
  const data = await client.request<{ bulkOperationCancel: { bulkOperation: { id: string; status: string } | null; userErrors: { message: string }[] } }>(CANCEL, { id });
  const { userErrors } = data.bulkOperationCancel;
  return userErrors.length ? { canceled: false, message: userErrors.map((e) => e.message).join("; ") } : { canceled: true };
}
