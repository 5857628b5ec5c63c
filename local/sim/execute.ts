/**
 * One Admin GraphQL request: parse, validate (Shopify-style errors, HTTP 200, no data),
 * cost and throttle, execute against the real schema with our resolvers, and attach
 * `extensions.cost` (and `extensions.search` warnings).
 */
import { execute, GraphQLError, Kind, parse, specifiedRules, validate, type DocumentNode, type OperationDefinitionNode } from "graphql";
import type { SimContext } from "./context.ts";
import { RATE_LIMIT_DOC, shopifyValidationMessage, UserFacingError, type ShopifyError } from "./errors.ts";
import { resolveField, typeNameOf } from "./resolve.ts";
import { mutationRoot, queryRoot, REQUIRED_SCOPES, type RootResolver } from "./resolvers.ts";
import { loadAdminSchema } from "./schema.ts";
import { MAX_QUERY_COST, queryCost, type Throttle, type ThrottleStatus } from "./throttle.ts";

export interface GraphqlHttpResult {
  status: number;
  body: unknown;
}

export function throttledBody(requestedQueryCost: number, status: ThrottleStatus) {
  return {
    errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: RATE_LIMIT_DOC } }],
    extensions: { cost: { requestedQueryCost, actualQueryCost: null, throttleStatus: status } },
  };
}

function accessDenied(field: string, scopes: string[] | undefined): GraphQLError {
  const extensions: Record<string, unknown> = { code: "ACCESS_DENIED", documentation: "https://shopify.dev/api/usage/access-scopes" };
  if (!scopes) return new GraphQLError(`Access denied for ${field} field.`, { extensions });
  const required = `\`${scopes[0]}\` access scope.`;
  return new GraphQLError(`Access denied for ${field} field. Required access: ${required}`, { extensions: { ...extensions, requiredAccess: required } });
}

function guarded(name: string, resolver: RootResolver): RootResolver {
  return (args, ctx) => {
    const scopes = REQUIRED_SCOPES[name];
    if (ctx.denyAll || (scopes && !scopes.some((s) => ctx.scopes.has(s)))) throw accessDenied(name, scopes);
    return resolver(args, ctx);
  };
}

const rootValue = Object.fromEntries([...Object.entries(queryRoot), ...Object.entries(mutationRoot)].map(([name, r]) => [name, guarded(name, r)]));

function formatError(error: GraphQLError): ShopifyError {
  const original = error.originalError;
  const extensions = original instanceof UserFacingError ? original.extensions : original instanceof GraphQLError ? original.extensions : error.extensions;
  const formatted: ShopifyError = { message: error.message };
  if (error.locations) formatted.locations = error.locations.map((l) => ({ line: l.line, column: l.column }));
  if (error.path) formatted.path = error.path;
  if (extensions && Object.keys(extensions).length) formatted.extensions = extensions as Record<string, unknown>;
  else if (original && !(original instanceof UserFacingError)) formatted.extensions = { code: "INTERNAL_SERVER_ERROR" };
  return formatted;
}

export interface ExecuteOptions {
  token: string;
  throttle: Throttle;
  context: SimContext;
  /** Fault injection: answer THROTTLED (the bucket itself is left alone, so a count stays a count). */
  forceThrottle?: boolean;
  /** Fault injection: every root field is denied. */
  forceAccessDenied?: boolean;
}

export async function executeGraphql(payload: unknown, options: ExecuteOptions): Promise<GraphqlHttpResult> {
  const body = (payload ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
  if (typeof body.query !== "string" || !body.query.trim()) {
    return { status: 400, body: { errors: { query: "Required parameter missing or invalid" } } };
  }
  const schema = loadAdminSchema();
  let document: DocumentNode;
  try {
    document = parse(body.query);
  } catch (error) {
    return { status: 200, body: { errors: [shopifyValidationMessage(error as GraphQLError)] } };
  }
  const validationErrors = validate(schema, document, specifiedRules);
  if (validationErrors.length) return { status: 200, body: { errors: validationErrors.map(shopifyValidationMessage) } };

  const operationName = typeof body.operationName === "string" ? body.operationName : undefined;
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!operation) return { status: 200, body: { errors: [{ message: `No operation named "${operationName}"` }] } };
  const variables = (body.variables && typeof body.variables === "object" ? body.variables : {}) as Record<string, unknown>;

  const requestedQueryCost = queryCost(document, operation, variables);
  if (requestedQueryCost > MAX_QUERY_COST) {
    return {
      status: 200,
      body: {
        errors: [{
          message: `Query cost is ${requestedQueryCost}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`,
          extensions: { code: "MAX_COST_EXCEEDED", cost: requestedQueryCost, maxCost: MAX_QUERY_COST, documentation: RATE_LIMIT_DOC },
        }],
      },
    };
  }
  if (options.forceThrottle) return { status: 200, body: throttledBody(requestedQueryCost, { ...options.throttle.peek(options.token), currentlyAvailable: 0 }) };
  const taken = options.throttle.take(options.token, requestedQueryCost);
  if (!taken.ok) return { status: 200, body: throttledBody(requestedQueryCost, taken.status) };

  const ctx = options.context;
  if (options.forceAccessDenied) ctx.denyAll = true;
  const result = await execute({
    schema,
    document,
    rootValue,
    contextValue: ctx,
    variableValues: variables,
    operationName,
    fieldResolver: (source, args, context, info) => resolveField(source, info.fieldName, args, context as SimContext, info.parentType.getFields()[info.fieldName]!, info.parentType.name),
    typeResolver: (value) => typeNameOf(value),
  });
  const response: Record<string, unknown> = {};
  if (result.errors?.length) response.errors = result.errors.map(formatError);
  // graphql-js reports variable coercion errors without data, like Shopify.
  if ("data" in result) response.data = result.data;
  const extensions: Record<string, unknown> = { cost: { requestedQueryCost, actualQueryCost: requestedQueryCost, throttleStatus: taken.status } };
  if (ctx.searchWarnings.length) extensions.search = ctx.searchWarnings;
  response.extensions = extensions;
  return { status: 200, body: response };
}
