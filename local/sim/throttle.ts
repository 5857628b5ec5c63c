/**
 * Cost-based throttling: a leaky bucket per access token and Shopify's query cost rules
 * (objects 1, connections 2 + page size x node cost, scalars 0, mutations 10).
 */
import {
  getNamedType,
  isInterfaceType,
  isLeafType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";
import { isConnectionType, loadAdminSchema } from "./schema.ts";

export const MAX_QUERY_COST = 1000;
export const MUTATION_COST = 10;

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface BucketOptions {
  size: number;
  restoreRate: number;
}

export class Throttle {
  private readonly buckets = new Map<string, { available: number; at: number }>();
  constructor(private options: BucketOptions) {}

  /** New bucket settings start every bucket full. */
  configure(options: Partial<BucketOptions>): void {
    this.options = { ...this.options, ...options };
    this.buckets.clear();
  }

  private bucket(token: string) {
    let bucket = this.buckets.get(token);
    const now = Date.now();
    if (!bucket) this.buckets.set(token, (bucket = { available: this.options.size, at: now }));
    bucket.available = Math.min(this.options.size, bucket.available + ((now - bucket.at) / 1000) * this.options.restoreRate);
    bucket.at = now;
    return bucket;
  }

  /** Takes `cost` points if available; either way returns the status after the decision. */
  take(token: string, cost: number): { ok: boolean; status: ThrottleStatus } {
    const bucket = this.bucket(token);
    const ok = cost <= bucket.available;
    if (ok) bucket.available -= cost;
    return { ok, status: this.status(bucket.available) };
  }

  peek(token: string): ThrottleStatus {
    return this.status(this.bucket(token).available);
  }

  reset(): void {
    this.buckets.clear();
  }

  private status(available: number): ThrottleStatus {
    return { maximumAvailable: this.options.size, currentlyAvailable: Math.floor(available), restoreRate: this.options.restoreRate };
  }
}

function intArg(args: readonly { name: { value: string }; value: ValueNode }[] | undefined, name: string, variables: Record<string, unknown>): number | null {
  const arg = args?.find((a) => a.name.value === name);
  if (!arg) return null;
  if (arg.value.kind === Kind.INT) return Number(arg.value.value);
  if (arg.value.kind === Kind.VARIABLE) {
    const v = variables[arg.value.name.value];
    return typeof v === "number" ? v : null;
  }
  return null;
}

/** Requested cost of an operation, computed before execution like Shopify does. */
export function queryCost(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): number {
  const schema = loadAdminSchema();
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  if (operation.operation === "mutation") {
    return operation.selectionSet.selections.length * MUTATION_COST;
  }
  const selectionCost = (type: GraphQLCompositeType, selectionSet: SelectionSetNode, inConnection: boolean): number => {
    let cost = 0;
    const fields = isObjectType(type) || isInterfaceType(type) ? type.getFields() : {};
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const t = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType) : type;
        cost += selectionCost(t, selection.selectionSet, inConnection);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment) cost += selectionCost(schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType, fragment.selectionSet, inConnection);
        continue;
      }
      const def = fields[selection.name.value];
      if (!def || !selection.selectionSet) continue;
      const named = getNamedType(def.type);
      if (isLeafType(named)) continue;
      const sub = selectionCost(named as GraphQLCompositeType, selection.selectionSet, isConnectionType(def.type));
      if (isConnectionType(def.type)) {
        const size = intArg(selection.arguments, "first", variables) ?? intArg(selection.arguments, "last", variables) ?? 1;
        cost += 2 + size * sub;
      } else if (inConnection && (selection.name.value === "edges" || selection.name.value === "pageInfo")) {
        cost += sub; // edges are free; their node counts once per page item
      } else {
        cost += 1 + sub;
      }
    }
    return cost;
  };
  return Math.max(1, selectionCost(schema.getQueryType()!, operation.selectionSet, false));
}
