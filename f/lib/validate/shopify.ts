// What Shopify says: exact counts (limit: null lifts the default 10,000 cap,
// which would answer AT_LEAST) and the total price of the orders in a window,
// paged. The filters are the sync's own search syntax.
import type { ShopifyClient } from "../shopify/client.ts";
import { gql } from "../shopify/gql.ts";
import { addDecimal } from "./decimal.ts";

export const COUNTED_RESOURCES = ["orders", "products", "customers"] as const;
export type CountedResource = (typeof COUNTED_RESOURCES)[number];

const ORDERS_COUNT = gql`
  query ValidateOrdersCount($query: String) {
    ordersCount(query: $query, limit: null) {
      count
      precision
    }
  }
`;

const PRODUCTS_COUNT = gql`
  query ValidateProductsCount($query: String) {
    productsCount(query: $query, limit: null) {
      count
      precision
    }
  }
`;

const CUSTOMERS_COUNT = gql`
  query ValidateCustomersCount($query: String) {
    customersCount(query: $query, limit: null) {
      count
      precision
    }
  }
`;

const COUNT_QUERIES: Record<CountedResource, { document: string; root: string }> = {
  orders: { document: ORDERS_COUNT, root: "ordersCount" },
  products: { document: PRODUCTS_COUNT, root: "productsCount" },
  customers: { document: CUSTOMERS_COUNT, root: "customersCount" },
};

export interface ShopifyCount {
  count: number;
  precision: "EXACT" | "AT_LEAST";
}

export async function shopifyCount(client: ShopifyClient, resource: CountedResource, query: string | null): Promise<ShopifyCount> {
  const { document, root } = COUNT_QUERIES[resource];
  const data = await client.request<Record<string, ShopifyCount | null>>(document, { query });
  const count = data[root];
  if (!count) throw new Error(`Shopify ${root} returned null for query ${JSON.stringify(query)}`);
  return count;
}

const ORDER_TOTALS_PAGE = gql`
  query ValidateOrderTotals($query: String, $after: String) {
    orders(first: 100, after: $after, query: $query) {
      edges {
        node {
          totalPriceSet {
            shopMoney {
              amount
            }
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

type TotalsPage = {
  orders: {
    edges: { node: { totalPriceSet: { shopMoney: { amount: string } } | null } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};

/** Sum of totalPriceSet.shopMoney.amount over the orders matching `query`, and how many there were. */
export async function shopifyOrderTotal(client: ShopifyClient, query: string, maxPages = 200): Promise<{ sum: string; orders: number; pages: number }> {
  let sum = "0";
  let orders = 0;
  let after: string | null = null;
  for (let page = 1; page <= maxPages; page++) {
    const data: TotalsPage = await client.request<TotalsPage>(ORDER_TOTALS_PAGE, { query, after });
    for (const edge of data.orders.edges) {
      orders++;
      const amount = edge.node.totalPriceSet?.shopMoney.amount;
      if (amount) sum = addDecimal(sum, amount);
    }
    if (!data.orders.pageInfo.hasNextPage) return { sum, orders, pages: page };
    after = data.orders.pageInfo.endCursor;
  }
  throw new Error(`the sample window ${query} holds more than ${maxPages * 100} orders: pick a narrower window`);
}
