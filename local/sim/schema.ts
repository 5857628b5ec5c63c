/**
 * The real Admin GraphQL schema (API 2026-10) built from the introspection shipped in
 * local/shopify-schema/. Built once per process: parsing ~20 MB of JSON takes ~0.6 s.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import {
  buildClientSchema,
  getNamedType,
  isListType,
  isNonNullType,
  NoDeprecatedCustomRule,
  parse,
  specifiedRules,
  validate,
  type GraphQLCompositeType,
  type GraphQLError,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from "graphql";

export const SCHEMA_API_VERSION = "2026-10";

const SCHEMA_FILE = fileURLToPath(new URL("../shopify-schema/admin_2026-10.json.gz", import.meta.url));

let cached: GraphQLSchema | undefined;

export function loadAdminSchema(): GraphQLSchema {
  if (!cached) {
    const introspection = JSON.parse(gunzipSync(readFileSync(SCHEMA_FILE)).toString("utf8")) as {
      data: IntrospectionQuery;
    };
    // graphql@17 rejects deprecated implementations of non-deprecated interface fields,
    // which Shopify's schema has; the schema is authoritative, so skip schema validation.
    cached = buildClientSchema(introspection.data, { assumeValid: true });
  }
  return cached;
}

/** Validates a document the way our CI does: spec rules plus "no deprecated fields". */
export function validateDocument(source: string, options: { allowDeprecated?: boolean } = {}): readonly GraphQLError[] {
  const schema = loadAdminSchema();
  let document;
  try {
    document = parse(source);
  } catch (error) {
    return [error as GraphQLError];
  }
  const rules = options.allowDeprecated ? specifiedRules : [...specifiedRules, NoDeprecatedCustomRule];
  return validate(schema, document, rules);
}

/** Shopify names every paginated field's type `XxxConnection`. */
export function isConnectionType(type: GraphQLOutputType): boolean {
  return !isListType(isNonNullType(type) ? type.ofType : type) && getNamedType(type).name.endsWith("Connection");
}

/** True for `[T]`, `[T!]!`, ... (lists, as opposed to connections). */
export function isListOutput(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/** The node type of a connection field (`XxxConnection.edges.node`). */
export function connectionNodeType(type: GraphQLOutputType): GraphQLCompositeType {
  const connection = getNamedType(type) as GraphQLObjectType;
  const edge = getNamedType(connection.getFields().edges!.type) as GraphQLObjectType;
  return getNamedType(edge.getFields().node!.type) as GraphQLCompositeType;
}
