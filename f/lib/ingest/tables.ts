// Which raw-mirror rows each staged node type makes, as SQL expressions over
// the staged JSON (so the merge stays set-based and money goes from Decimal
// text straight to numeric, never through a float). records.ts validates
// every field cast here, so a staged row cannot fail its cast.
//
// In the expressions: `p` is the node (or the list element), `s` the staging
// row (s.id, s.parent_id, s.updated_at), `parent_updated_at` the updatedAt of
// the node's parent as staged from the same file, `$snapshot_at` the time of
// a snapshot export (locations carry no updatedAt).
import type { NodeType } from "./records.ts";

export interface TableSpec {
  /** A row kind as reported in counts: the node type, or Fulfillment/Refund for the order's inline lists. */
  kind: string;
  table: string;
  /** Staged node type the rows come from. */
  from: NodeType;
  /** Rows are the elements of this inline list of the node instead of the node itself. */
  list?: string;
  /** updated_at comes from the parent, which must be in the same file. */
  needsParent?: boolean;
  /** Column -> SQL expression; must include id and updated_at. */
  columns: Record<string, string>;
}

const money = (path: string) => `(p #>> '{${path},shopMoney,amount}')::numeric`;
const time = (field: string) => `(p ->> '${field}')::timestamptz`;
const text = (field: string) => `p ->> '${field}'`;
const tags = `coalesce(array(select jsonb_array_elements_text(p -> 'tags')), '{}')`;
const quantity = (name: string) => `(select (q ->> 'quantity')::int from jsonb_array_elements(p -> 'quantities') q where q ->> 'name' = '${name}' limit 1)`;

export const TABLES: TableSpec[] = [
  {
    kind: "Order",
    table: "raw_shopify_orders",
    from: "Order",
    columns: {
      id: "s.id",
      legacy_id: `(p ->> 'legacyResourceId')::bigint`,
      name: text("name"),
      created_at: time("createdAt"),
      updated_at: "s.updated_at",
      processed_at: time("processedAt"),
      cancelled_at: time("cancelledAt"),
      cancel_reason: text("cancelReason"),
      closed_at: time("closedAt"),
      financial_status: text("displayFinancialStatus"),
      fulfillment_status: text("displayFulfillmentStatus"),
      tags,
      note: text("note"),
      test: `coalesce((p ->> 'test')::boolean, false)`,
      currency: text("currencyCode"),
      total_price: money("totalPriceSet"),
      subtotal_price: money("subtotalPriceSet"),
      total_discounts: money("totalDiscountsSet"),
      total_tax: money("totalTaxSet"),
      total_shipping: money("totalShippingPriceSet"),
      total_refunded: money("totalRefundedSet"),
      customer_id: `p #>> '{customer,id}'`,
      shipping_country_code: `p #>> '{shippingAddress,countryCodeV2}'`,
      shipping_province_code: `p #>> '{shippingAddress,provinceCode}'`,
      payload: "p",
    },
  },
  {
    kind: "Fulfillment",
    table: "raw_shopify_fulfillments",
    from: "Order",
    list: "fulfillments",
    columns: {
      id: text("id"),
      order_id: "s.id",
      status: text("status"),
      display_status: text("displayStatus"),
      created_at: time("createdAt"),
      updated_at: `coalesce(${time("updatedAt")}, s.updated_at)`,
      tracking_company: `p #>> '{trackingInfo,0,company}'`,
      tracking_number: `p #>> '{trackingInfo,0,number}'`,
      tracking_url: `p #>> '{trackingInfo,0,url}'`,
      payload: "p",
    },
  },
  {
    kind: "Refund",
    table: "raw_shopify_refunds",
    from: "Order",
    list: "refunds",
    columns: {
      id: text("id"),
      order_id: "s.id",
      created_at: time("createdAt"),
      note: text("note"),
      total_refunded: money("totalRefundedSet"),
      updated_at: "s.updated_at", // the order's
      payload: "p",
    },
  },
  {
    kind: "LineItem",
    table: "raw_shopify_line_items",
    from: "LineItem",
    needsParent: true,
    columns: {
      id: "s.id",
      order_id: "s.parent_id",
      sku: text("sku"),
      title: text("title"),
      variant_title: text("variantTitle"),
      quantity: `(p ->> 'quantity')::int`,
      current_quantity: `(p ->> 'currentQuantity')::int`,
      variant_id: `p #>> '{variant,id}'`,
      product_id: `p #>> '{product,id}'`,
      unit_price: money("originalUnitPriceSet"),
      discounted_unit_price: money("discountedUnitPriceSet"),
      total_discount: money("totalDiscountSet"),
      updated_at: "parent_updated_at", // line items have none: the order's
      payload: "p",
    },
  },
  {
    kind: "Product",
    table: "raw_shopify_products",
    from: "Product",
    columns: {
      id: "s.id",
      legacy_id: `(p ->> 'legacyResourceId')::bigint`,
      title: text("title"),
      handle: text("handle"),
      status: text("status"),
      vendor: text("vendor"),
      product_type: text("productType"),
      tags,
      created_at: time("createdAt"),
      updated_at: "s.updated_at",
      published_at: time("publishedAt"),
      payload: "p",
    },
  },
  {
    kind: "ProductVariant",
    table: "raw_shopify_variants",
    from: "ProductVariant",
    columns: {
      id: "s.id",
      product_id: "s.parent_id",
      legacy_id: `(p ->> 'legacyResourceId')::bigint`,
      sku: text("sku"),
      barcode: text("barcode"),
      title: text("title"),
      price: `(p ->> 'price')::numeric`,
      compare_at_price: `(p ->> 'compareAtPrice')::numeric`,
      position: `(p ->> 'position')::int`,
      inventory_quantity: `(p ->> 'inventoryQuantity')::int`,
      inventory_item_id: `p #>> '{inventoryItem,id}'`,
      created_at: time("createdAt"),
      updated_at: "s.updated_at",
      payload: "p",
    },
  },
  {
    kind: "Customer",
    table: "raw_shopify_customers",
    from: "Customer",
    columns: {
      id: "s.id",
      legacy_id: `(p ->> 'legacyResourceId')::bigint`,
      first_name: text("firstName"),
      last_name: text("lastName"),
      email: `p #>> '{defaultEmailAddress,emailAddress}'`,
      state: text("state"),
      tags,
      number_of_orders: `(p ->> 'numberOfOrders')::bigint`,
      amount_spent: `(p #>> '{amountSpent,amount}')::numeric`,
      currency: `p #>> '{amountSpent,currencyCode}'`,
      created_at: time("createdAt"),
      updated_at: "s.updated_at",
      payload: "p",
    },
  },
  {
    kind: "Location",
    table: "raw_shopify_locations",
    from: "Location",
    columns: {
      id: "s.id",
      name: text("name"),
      is_active: `coalesce((p ->> 'isActive')::boolean, true)`,
      updated_at: "$snapshot_at::timestamptz",
      payload: "p",
    },
  },
  {
    kind: "InventoryLevel",
    table: "raw_shopify_inventory_levels",
    from: "InventoryLevel",
    columns: {
      id: "s.id",
      location_id: "s.parent_id",
      inventory_item_id: `p #>> '{item,id}'`,
      sku: `p #>> '{item,sku}'`,
      available: quantity("available"),
      on_hand: quantity("on_hand"),
      committed: quantity("committed"),
      incoming: quantity("incoming"),
      reserved: quantity("reserved"),
      updated_at: "s.updated_at",
      payload: "p",
    },
  },
];

/** A statement with named `$params`, turned into positional ones for postgres.js `unsafe`. */
export interface Statement {
  text: string;
  params: string[];
}

/**
 * The merge of one chunk of staged lines into one table, as one statement:
 * rows of the chunk, deduplicated by id (newest, then last line, wins),
 * upserted where not older than what the table holds; children whose parent
 * is missing from the file become dead letters. Returns one row of counts.
 */
export function mergeStatement(spec: TableSpec): Statement {
  const cols = Object.keys(spec.columns);
  const rowSource = spec.list
    ? `cross join lateral jsonb_array_elements(coalesce(s.payload -> '${spec.list}', '[]'::jsonb)) as n(p)`
    : `cross join lateral (select s.payload) as n(p)`;
  const parentJoin = spec.needsParent
    ? `left join lateral (
         select max(x.updated_at) as parent_updated_at from ingest_staging x
         where x.bulk_operation_id = s.bulk_operation_id and x.id = s.parent_id and x.parent_id is null
       ) par on true`
    : "";
  const orphans = spec.needsParent
    ? `, orphans as (
        insert into ingest_failures (run_id, resource, archive_key, bulk_operation_id, line_number, raw_text, error_class, message)
        select $run_id, $resource, $archive_key, $op, line_number_, left(payload::text, 65536), 'invalid_record',
               '${spec.kind} ' || id || ': its parent ' || coalesce(parent_id_, '(none)') || ' is not in this file, so it has no updated_at'
        from rows where updated_at is null
        on conflict do nothing
        returning 1
      )`
    : "";
  const text = `
    with rows as (
      select ${cols.map((c) => `${spec.columns[c]} as ${c}`).join(", ")},
             s.line_number as line_number_, s.parent_id as parent_id_
      from ingest_staging s
      ${rowSource}
      ${parentJoin}
      where s.bulk_operation_id = $op and s.line_number >= $from_line and s.line_number < $to_line and s.type = '${spec.from}'
    ), src as (
      select distinct on (id) * from rows where updated_at is not null
      order by id, updated_at desc, line_number_ desc
    ), up as (
      insert into ${spec.table} as t (${cols.join(", ")}, synced_at)
      select ${cols.join(", ")}, now() from src
      on conflict (id) do update set ${cols.filter((c) => c !== "id").map((c) => `${c} = excluded.${c}`).join(", ")}, synced_at = excluded.synced_at
      where excluded.updated_at >= t.updated_at
      returning 1
    )${orphans}
    select (select count(*) from rows)::int as rows,
           (select count(*) from up)::int as written,
           ${spec.needsParent ? "(select count(*) from orphans)::int" : "0"} as orphaned,
           (select max(updated_at) from src) as max_updated_at`;
  return positional(text);
}

function positional(named: string): Statement {
  const params: string[] = [];
  const text = named.replace(/\$([a-z_]+)/g, (_, name: string) => {
    let k = params.indexOf(name);
    if (k === -1) k = params.push(name) - 1;
    return `$${k + 1}`;
  });
  return { text, params };
}
