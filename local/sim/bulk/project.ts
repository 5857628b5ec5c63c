/**
 * Bulk export without graphql-js execution (too slow for millions of lines): the query
 * is compiled once into a projection that reads store records through the same field
 * resolution as normal queries. Connections become separate lines with `__parentId`;
 * objects and lists stay inline, as in Shopify's JSONL.
 */
import {
  getArgumentValues,
  getNamedType,
  isAbstractType,
  isLeafType,
  isObjectType,
  isInterfaceType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type DocumentNode,
} from "graphql";
import { UserFacingError } from "../errors.ts";
import type { SimContext } from "../context.ts";
import { COLLECTIONS, type CollectionName } from "../resources.ts";
import { hasSpecialResolver, resolveField, typeNameOf } from "../resolve.ts";
import { connectionNodeType, isConnectionType, loadAdminSchema } from "../schema.ts";
import type { SimNode } from "../store/types.ts";
import { collectFields } from "./validate.ts";

interface CompiledField {
  key: string;
  name: string;
  def: GraphQLField<unknown, unknown>;
  args: Record<string, unknown>;
  kind: "leaf" | "object" | "connection" | "typename";
  typeName: string;
  sub: CompiledField[];
  /** Set when the field came from a fragment on a narrower type. */
  onTypes: ReadonlySet<string> | null;
  /** A plain property read suffices (no arguments that matter, no special resolver). */
  direct: boolean;
}

function compileSelection(type: GraphQLCompositeType, selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, onTypes: ReadonlySet<string> | null = null): CompiledField[] {
  const schema = loadAdminSchema();
  const fields: CompiledField[] = [];
  const fieldMap = isObjectType(type) || isInterfaceType(type) ? type.getFields() : {};
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) {
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value)!;
      const conditionName = fragment.typeCondition?.name.value;
      const condition = conditionName ? (schema.getType(conditionName) as GraphQLCompositeType) : type;
      const narrowed = condition.name === type.name ? onTypes : new Set(isAbstractType(condition) ? schema.getPossibleTypes(condition).map((t) => t.name) : [condition.name]);
      fields.push(...compileSelection(condition, fragment.selectionSet, fragments, narrowed));
      continue;
    }
    const name = selection.name.value;
    const key = selection.alias?.value ?? name;
    if (name === "__typename") {
      fields.push({ key, name, def: undefined as never, args: {}, kind: "typename", typeName: type.name, sub: [], onTypes, direct: false });
      continue;
    }
    const def = fieldMap[name]!;
    const args = getArgumentValues(def, selection);
    const named = getNamedType(def.type);
    if (isLeafType(named)) {
      fields.push({ key, name, def, args, kind: "leaf", typeName: type.name, sub: [], onTypes, direct: false });
    } else if (isConnectionType(def.type)) {
      // Only edges > node matters in bulk; cursors and pageInfo are ignored, like Shopify.
      const edges = collectFields(selection.selectionSet!, fragments).find((f) => f.name.value === "edges");
      const node = edges?.selectionSet ? collectFields(edges.selectionSet, fragments).find((f) => f.name.value === "node") : undefined;
      const nodeType = connectionNodeType(def.type);
      fields.push({ key, name, def, args, kind: "connection", typeName: type.name, sub: node?.selectionSet ? compileSelection(nodeType, node.selectionSet, fragments) : [], onTypes, direct: false });
    } else {
      fields.push({ key, name, def, args, kind: "object", typeName: type.name, sub: compileSelection(named as GraphQLCompositeType, selection.selectionSet!, fragments), onTypes, direct: false });
    }
  }
  for (const f of fields) f.direct = f.kind !== "typename" && !isAbstractType(type) && !hasSpecialResolver(type.name, f.name);
  return mergeByResponseKey(fields);
}

/** A response key selected twice (directly and via a fragment) is written once, with merged sub-selections. */
function mergeByResponseKey(fields: CompiledField[]): CompiledField[] {
  const byKey = new Map<string, CompiledField>();
  for (const f of fields) {
    const seen = byKey.get(f.key);
    if (!seen) byKey.set(f.key, f);
    else {
      if (f.sub.length) seen.sub = mergeByResponseKey([...seen.sub, ...f.sub]);
      if (!f.onTypes) seen.onTypes = null;
      else if (seen.onTypes) seen.onTypes = new Set([...seen.onTypes, ...f.onTypes]);
    }
  }
  return [...byKey.values()];
}

interface ChildBatch {
  field: CompiledField;
  nodes: unknown[];
}

/** Writes one record's JSON object (no `__parentId`), queueing its connection children. */
type Serializer = (source: unknown, ctx: SimContext, children: ChildBatch[]) => string;

const serializers = new WeakMap<CompiledField[], Serializer>();

function serializerFor(fields: CompiledField[]): Serializer {
  let serializer = serializers.get(fields);
  if (!serializer) serializers.set(fields, (serializer = buildSerializer(fields)));
  return serializer;
}

/**
 * Compiles a selection into straight-line code that concatenates JSON text. It avoids an
 * intermediate object per line and a generic field loop, which made the export GC-bound.
 * Keys come from validated GraphQL names, embedded through JSON.stringify.
 */
function buildSerializer(fields: CompiledField[]): Serializer {
  const body: string[] = ["let o = '';", "const tn = typeNameOf(s);"];
  fields.forEach((f, k) => {
    const key = JSON.stringify(`,${JSON.stringify(f.key)}:`);
    const guard = f.onTypes ? `if (tn !== undefined && F[${k}].onTypes.has(tn)) ` : "";
    const read = f.direct ? `s[${JSON.stringify(f.name)}]` : "undefined";
    let code: string;
    if (f.kind === "typename") code = `o += ${key} + J(tn ?? F[${k}].typeName);`;
    else if (f.kind === "connection") code = `{ const v = ${read}; c.push({ field: F[${k}], nodes: Array.isArray(v) ? v : R(s, ${k}, x).nodes }); }`;
    else {
      // Refs and computed fields lack the property and fall back to the resolver.
      const value = `let v = ${read}; if (v === undefined) v = R(s, ${k}, x);`;
      code =
        f.kind === "leaf"
          ? `{ ${value} o += ${key} + (v == null ? 'null' : J(v)); }`
          : `{ ${value} o += ${key} + (v == null ? 'null' : Array.isArray(v) ? '[' + v.map((i) => (i == null ? 'null' : S[${k}](i, x, c))).join(',') + ']' : S[${k}](v, x, c)); }`;
    }
    body.push(guard + code);
  });
  body.push("return '{' + o.slice(1) + '}';");
  const subs = fields.map((f) => (f.kind === "object" ? serializerFor(f.sub) : null));
  const resolve = (source: unknown, k: number, ctx: SimContext) => {
    const f = fields[k]!;
    return resolveField(source, f.name, f.args, ctx, f.def, f.typeName);
  };
  const factory = new Function("F", "S", "J", "R", "typeNameOf", `return (s, x, c) => {\n${body.join("\n")}\n};`) as (...deps: unknown[]) => Serializer;
  return factory(fields, subs, JSON.stringify, resolve, typeNameOf);
}

/** The JSONL lines of one root node: its own line first, then descendants with `__parentId`. */
function linesOf(node: unknown, fields: CompiledField[], ctx: SimContext, parentId: string | null, into: string[]): void {
  const children: ChildBatch[] = [];
  let line = serializerFor(fields)(node, ctx, children);
  if (parentId !== null) line = `${line.length > 2 ? `${line.slice(0, -1)},` : "{"}"__parentId":${JSON.stringify(parentId)}}`;
  into.push(line);
  if (children.length === 0) return;
  const id = (node as SimNode).id;
  for (const batch of children) for (const child of batch.nodes) linesOf(child, batch.field.sub, ctx, id, into);
}

export interface CompiledBulkQuery {
  /** One group of lines per root object, in export order. */
  groups(ctx: SimContext): Generator<string[]>;
}

export function compileBulkQuery(document: DocumentNode, operation: OperationDefinitionNode): CompiledBulkQuery {
  const schema = loadAdminSchema();
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const roots = compileSelection(schema.getQueryType()!, operation.selectionSet, fragments).filter((f) => f.kind === "connection");
  for (const root of roots) {
    if (!(root.name in COLLECTIONS)) throw new UserFacingError(`The Shopify simulator does not support bulk exports of '${root.name}'.`);
  }
  return {
    *groups(ctx) {
      for (const root of roots) {
        const args = root.args as { query?: string; sortKey?: string; reverse?: boolean; includeInactive?: boolean };
        const collection = COLLECTIONS[root.name as CollectionName];
        const filter = root.name === "locations" && !args.includeInactive ? (n: SimNode) => Boolean(n.isActive) : undefined;
        for (const node of ctx.lister.iterate(collection, { query: args.query, sortKey: args.sortKey, reverse: args.reverse, filter })) {
          const lines: string[] = [];
          linesOf(node, root.sub, ctx, null, lines);
          yield lines;
        }
      }
    },
  };
}
