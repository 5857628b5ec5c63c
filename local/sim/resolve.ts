/**
 * Field resolution over store records, shared by graphql-js execution and the bulk
 * projector. A field resolves to the record's property of the same name (connections
 * over arrays are paged here); a field the record lacks is an error naming it, never a
 * silent null.
 */
import type { GraphQLField } from "graphql";
import { connectionFromArray, type PageArgs } from "./connections.ts";
import { UserFacingError } from "./errors.ts";
import type { SimContext } from "./context.ts";
import { isConnectionType } from "./schema.ts";
import type { Ref, SimNode } from "./store/types.ts";

export class NotImplementedError extends UserFacingError {
  constructor(typeName: string, fieldName: string) {
    super(`Field '${typeName}.${fieldName}' is not implemented by the Shopify simulator.`, { code: "NOT_IMPLEMENTED_BY_SIMULATOR", typeName, fieldName });
  }
}

type Args = Record<string, unknown>;
type Special = (source: Record<string, unknown>, args: Args, ctx: SimContext) => unknown;

const byFirst = (field: string): Special => (source, args) => {
  const items = source[field] as unknown[];
  return typeof args.first === "number" ? items.slice(0, args.first) : items;
};

const metafieldOf: Special = (source, args, ctx) =>
  ctx.store.metafieldsOf((source as SimNode).id).find((m) => m.key === args.key && (args.namespace == null || m.namespace === args.namespace)) ?? null;

const metafieldsOf: Special = (source, args, ctx) => {
  const all = ctx.store.metafieldsOf((source as SimNode).id).filter((m) => args.namespace == null || m.namespace === args.namespace);
  return connectionFromArray(all, args as PageArgs, { all: ctx.bulk });
};

/** Fields whose arguments change the result; everything else reads the record. */
const SPECIAL_FIELDS: Record<string, Special> = {
  "InventoryLevel.quantities": (source, args) => {
    const names = args.names as string[];
    const all = source.quantities as { name: string }[];
    return names.map((name) => all.find((q) => q.name === name)).filter(Boolean);
  },
  "Fulfillment.trackingInfo": byFirst("trackingInfo"),
  "Order.fulfillments": byFirst("fulfillments"),
  "Order.refunds": byFirst("refunds"),
  "Order.fulfillmentOrders": (source, args, ctx) => {
    const all = source.fulfillmentOrders as SimNode[];
    const visible = args.displayable === true ? all.filter((fo) => fo.status !== "CLOSED" && fo.status !== "CANCELLED") : all;
    return connectionFromArray(visible, args as PageArgs, { all: ctx.bulk });
  },
  "Location.inventoryLevel": (source, args) =>
    (source.inventoryLevels as SimNode[]).find((level) => level.id.endsWith(`inventory_item_id=${String(args.inventoryItemId).split("/").pop()}`)) ?? null,
  "*.metafield": metafieldOf,
  "*.metafields": metafieldsOf,
};

/** Whether a field may need more than a property read (the bulk projector's fast path skips it otherwise). */
export function hasSpecialResolver(typeName: string, fieldName: string): boolean {
  return `${typeName}.${fieldName}` in SPECIAL_FIELDS || `*.${fieldName}` in SPECIAL_FIELDS;
}

function isRef(value: unknown): value is Ref {
  return typeof value === "object" && value !== null && "__ref" in value;
}

export function resolveField(source: unknown, fieldName: string, args: Args, ctx: SimContext, fieldDef: GraphQLField<unknown, unknown>, parentTypeName: string): unknown {
  if (source === null || source === undefined) return null;
  let record = source as Record<string, unknown>;
  // References carry only the id; load the node when anything else is selected.
  if (isRef(record) && fieldName !== "id") {
    const node = ctx.store.node(record.id);
    if (!node) return null;
    record = node;
  }
  const typeName = (record.__typename as string | undefined) ?? (isRef(record) ? record.__ref : parentTypeName);
  // `*.field` handlers serve owners' metafields; payload objects carry their own `metafields` list.
  const special = SPECIAL_FIELDS[`${typeName}.${fieldName}`] ?? (fieldName in record ? undefined : SPECIAL_FIELDS[`*.${fieldName}`]);
  if (special) return special(record, args, ctx);
  if (!(fieldName in record)) throw new NotImplementedError(typeName, fieldName);
  let value = record[fieldName];
  if (typeof value === "function") value = (value as (args: Args, ctx: SimContext) => unknown)(args, ctx);
  if (Array.isArray(value) && isConnectionType(fieldDef.type)) return connectionFromArray(value, args as PageArgs, { all: ctx.bulk });
  return value;
}

/** Interfaces and unions (Node, ...) resolve by the record's own type name. */
export function typeNameOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as { __typename?: string; __ref?: string };
  return v.__typename ?? v.__ref;
}

