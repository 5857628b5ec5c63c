/**
 * Shopify's bulk query rules, with the messages Shopify returns (captured responses,
 * see shared reference §2). Checked after the document is valid GraphQL.
 */
import {
  getNamedType,
  isObjectType,
  isInterfaceType,
  Kind,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type FieldNode,
} from "graphql";
import { connectionNodeType, isConnectionType, isListOutput, loadAdminSchema } from "../schema.ts";
import { shopifyValidationMessage } from "../errors.ts";

export const BULK_MESSAGES = {
  noConnection: "Bulk queries must contain at least one connection.",
  tooManyConnections: "Bulk queries cannot contain more than 5 connections.",
  tooDeep: "Bulk queries cannot contain connections with a nesting depth greater than 2.",
  topLevelNode: "Bulk queries cannot contain a top level `node` field.",
  topLevelNodes: "Bulk queries cannot contain a top level `nodes` field.",
  nodesSelection: (fields: string[]) =>
    `All connection fields in a bulk query must select their contents using 'edges' > 'node'. Selecting via 'nodes' is not supported. Invalid connection fields: ${fields.map((f) => `'${f}'`).join(", ")}.`,
  parentWithoutId: (fields: string[]) =>
    `The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection fields without 'id': ${fields.join(", ")}.`,
  connectionInList: "Queries that contain a connection field within a list field are not currently supported.",
  notQuery: "Invalid operation type. Only `query` operations are supported.",
  emptyQuery: "Invalid bulk query: syntax error, unexpected end of file",
} as const;

export const MAX_BULK_CONNECTIONS = 5;
export const MAX_BULK_NESTING = 2;

export type BulkValidation = { ok: true; document: DocumentNode; operation: OperationDefinitionNode } | { ok: false; message: string };

interface Walk {
  connections: number;
  maxDepth: number;
  nodesFields: string[];
  missingId: string[];
  connectionInList: boolean;
}

/** Fields of a selection set, with fragments flattened (bulk rules look through them). */
export function collectFields(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fields.push(...collectFields(selection.selectionSet, fragments));
    else {
      const fragment = fragments.get(selection.name.value);
      if (fragment) fields.push(...collectFields(fragment.selectionSet, fragments));
    }
  }
  return fields;
}

function walkSelection(type: GraphQLCompositeType, selectionSet: SelectionSetNode, depth: number, inList: boolean, fragments: Map<string, FragmentDefinitionNode>, acc: Walk): boolean {
  // Returns whether this selection (transitively, without crossing a connection) contains a connection.
  let containsConnection = false;
  const fieldMap = isObjectType(type) || isInterfaceType(type) ? type.getFields() : {};
  for (const field of collectFields(selectionSet, fragments)) {
    const def = fieldMap[field.name.value];
    if (!def || !field.selectionSet) continue;
    const named = getNamedType(def.type) as GraphQLCompositeType;
    if (isConnectionType(def.type)) {
      containsConnection = true;
      acc.connections++;
      acc.maxDepth = Math.max(acc.maxDepth, depth + 1);
      if (inList) acc.connectionInList = true;
      const connectionFields = collectFields(field.selectionSet, fragments);
      if (connectionFields.some((f) => f.name.value === "nodes")) acc.nodesFields.push(field.name.value);
      const edges = connectionFields.find((f) => f.name.value === "edges");
      const nodeField = edges?.selectionSet ? collectFields(edges.selectionSet, fragments).find((f) => f.name.value === "node") : undefined;
      if (nodeField?.selectionSet) {
        const nestedConnection = walkSelection(connectionNodeType(def.type), nodeField.selectionSet, depth + 1, false, fragments, acc);
        const selectsPlainId = collectFields(nodeField.selectionSet, fragments).some((f) => f.name.value === "id" && !f.alias);
        if (nestedConnection && !selectsPlainId) acc.missingId.push(field.name.value);
      }
    } else if (walkSelection(named, field.selectionSet, depth, inList || isListOutput(def.type), fragments, acc)) {
      containsConnection = true;
    }
  }
  return containsConnection;
}

export function validateBulkQuery(query: string): BulkValidation {
  if (!query.trim()) return { ok: false, message: BULK_MESSAGES.emptyQuery };
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return { ok: false, message: `Invalid bulk query: ${(error as Error).message}` };
  }
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.some((op) => op.operation !== "query")) return { ok: false, message: BULK_MESSAGES.notQuery };
  const schema = loadAdminSchema();
  const errors = validate(schema, document, specifiedRules);
  if (errors.length > 0) return { ok: false, message: `Invalid bulk query: ${shopifyValidationMessage(errors[0]!).message}` };
  const operation = operations[0]!;
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const rootFields = collectFields(operation.selectionSet, fragments);
  if (rootFields.some((f) => f.name.value === "node")) return { ok: false, message: BULK_MESSAGES.topLevelNode };
  if (rootFields.some((f) => f.name.value === "nodes")) return { ok: false, message: BULK_MESSAGES.topLevelNodes };
  const acc: Walk = { connections: 0, maxDepth: 0, nodesFields: [], missingId: [], connectionInList: false };
  walkSelection(schema.getQueryType()!, operation.selectionSet, 0, false, fragments, acc);
  if (acc.nodesFields.length > 0) return { ok: false, message: BULK_MESSAGES.nodesSelection(acc.nodesFields) };
  if (acc.connections === 0) return { ok: false, message: BULK_MESSAGES.noConnection };
  if (acc.connections > MAX_BULK_CONNECTIONS) return { ok: false, message: BULK_MESSAGES.tooManyConnections };
  if (acc.maxDepth > MAX_BULK_NESTING) return { ok: false, message: BULK_MESSAGES.tooDeep };
  if (acc.connectionInList) return { ok: false, message: BULK_MESSAGES.connectionInList };
  if (acc.missingId.length > 0) return { ok: false, message: BULK_MESSAGES.parentWithoutId(acc.missingId) };
  return { ok: true, document, operation };
}
