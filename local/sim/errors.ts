/** Shopify's error bodies and messages, in one place. */
import type { GraphQLError } from "graphql";

/** Body of a 401 for a missing or wrong `X-Shopify-Access-Token` (Shopify's exact text). */
export const UNAUTHORIZED_BODY = { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" };

/** An error meant for the API caller, with Shopify-style `extensions`. */
export class UserFacingError extends Error {
  constructor(message: string, readonly extensions: Record<string, unknown> = {}) {
    super(message);
  }
}

export const RATE_LIMIT_DOC = "https://shopify.dev/api/usage/rate-limits";

export interface ShopifyError {
  message: string;
  locations?: readonly { line: number; column: number }[];
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

/**
 * graphql-js validation messages rewritten in graphql-ruby's words, which is what
 * Shopify returns (e.g. "Field 'code' doesn't exist on type 'UserError'").
 */
export function shopifyValidationMessage(error: GraphQLError): ShopifyError {
  const locations = error.locations?.map((l) => ({ line: l.line, column: l.column }));
  const m = error.message;
  let match: RegExpExecArray | null;
  if ((match = /^Cannot query field "(\w+)" on type "(\w+)"/.exec(m))) {
    return { message: `Field '${match[1]}' doesn't exist on type '${match[2]}'`, locations, extensions: { code: "undefinedField", typeName: match[2], fieldName: match[1] } };
  }
  if ((match = /^Unknown argument "(\w+)" on field "(\w+)\.(\w+)"/.exec(m))) {
    return { message: `Field '${match[3]}' doesn't accept argument '${match[1]}'`, locations, extensions: { code: "argumentNotAccepted", name: match[3], typeName: "Field", argumentName: match[1] } };
  }
  if ((match = /^Argument "(\w+)\.(\w+)\((\w+):\)" of type "(.+)" is required, but it was not provided/.exec(m)) || (match = /^Field "(\w+)\.(\w+)" argument "(\w+)" of type "(.+)" is required/.exec(m))) {
    return { message: `Field '${match[2]}' is missing required arguments: ${match[3]}`, locations, extensions: { code: "missingRequiredArguments", className: "Field", name: match[2], arguments: match[3] } };
  }
  if ((match = /^Field "(\w+)" of type "(.+)" must have a selection of subfields/.exec(m))) {
    const typeName = match[2]!.replace(/[[\]!]/g, "");
    return { message: `Field '${match[1]}' of type '${typeName}' must have a selection of subfields`, locations, extensions: { code: "selectionMismatch", nodeName: `field '${match[1]}'`, typeName } };
  }
  if ((match = /^Field "(\w+)" must not have a selection since type "(.+)" has no subfields/.exec(m))) {
    return { message: `Selections can't be made on scalars (field '${match[1]}' returns ${match[2]} but has selections)`, locations, extensions: { code: "selectionMismatch", nodeName: `field '${match[1]}'`, typeName: match[2] } };
  }
  if ((match = /^Variable "\$(\w+)" is not defined/.exec(m))) {
    return { message: `Variable $${match[1]} is used by anonymous query but not declared`, locations, extensions: { code: "variableNotDefined", variableName: match[1] } };
  }
  if (m.startsWith("Syntax Error: ")) {
    return { message: `syntax error, ${m.slice("Syntax Error: ".length)}`, locations };
  }
  return { message: m, locations, extensions: { code: "validationError" } };
}
