// The one Shopify Admin GraphQL client every script uses: the official
// @shopify/admin-api-client pinned to 2026-10, under our retry policy
// (retry.ts), token handling (token.ts) and error classes (errors.ts).
import { createAdminApiClient } from "@shopify/admin-api-client";
import { ShopifyAuthError, ShopifyGraphQLError, ShopifyUnavailableError, ShopifyUserError, MissingScopesError, type GraphQLErrorLike } from "./errors.ts";
import { gql } from "./gql.ts";
import { API_VERSION, baseUrl, type ShopifyAdmin } from "./resource.ts";
import { DEFAULT_POLICY, nextAttempt, type AttemptResult, type RetryPolicy } from "./retry.ts";
import { tokenSource } from "./token.ts";

export interface ShopifyClientOptions {
  fetch?: typeof fetch;
  log?: (line: string) => void;
  policy?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  timeoutMs?: number;
}

export interface Cost {
  requestedQueryCost?: number;
  actualQueryCost?: number | null;
  throttleStatus?: { maximumAvailable?: number; currentlyAvailable?: number; restoreRate?: number };
}

export interface ShopifyClient {
  readonly shop: ShopifyAdmin;
  readonly apiVersion: string;
  /** Runs a query or mutation; transient failures are retried, the rest throw. */
  request<T>(document: string, variables?: Record<string, unknown>): Promise<T>;
  /** Like request, then throws ShopifyUserError if `data[payload].userErrors` is not empty. */
  mutate<T>(document: string, variables: Record<string, unknown>, payload: string): Promise<T>;
  grantedScopes(): Promise<string[]>;
  /** Fails loudly, naming what is missing. */
  requireScopes(needed: readonly string[]): Promise<void>;
}

const ACCESS_SCOPES = gql`
  query AccessScopes {
    currentAppInstallation {
      accessScopes {
        handle
      }
    }
  }
`;

export function shopifyClient(shop: ShopifyAdmin, opts: ShopifyClientOptions = {}): ShopifyClient {
  const fetchImpl = opts.fetch ?? fetch;
  const log = opts.log ?? ((line: string) => console.log(line));
  const policy = opts.policy ?? DEFAULT_POLICY;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const apiVersion = shop.api_version || API_VERSION;
  const tokens = tokenSource(shop, fetchImpl);
  const origin = baseUrl(shop);

  async function once(document: string, variables: Record<string, unknown> | undefined) {
    const seen: { response?: Response; networkError?: string } = {};
    const client = createAdminApiClient({
      storeDomain: shop.shop_domain,
      apiVersion,
      accessToken: await tokens.get(),
      retries: 0,
      // Point at api_base_url (a simulator) and observe status and headers ourselves.
      customFetchApi: async (url, init) => {
        const target = origin + new URL(url).pathname;
        try {
          seen.response = await fetchImpl(target, { ...init, signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000) } as RequestInit);
          return seen.response;
        } catch (e) {
          seen.networkError = (e as Error).message;
          throw e;
        }
      },
    });
    const res = await client.request(document, { variables });
    return { res, seen };
  }

  async function request<T>(document: string, variables?: Record<string, unknown>): Promise<T> {
    const operation = operationName(document);
    for (let attempt = 1; ; attempt++) {
      const { res, seen } = await once(document, variables);
      const graphQLErrors = (res.errors?.graphQLErrors ?? []) as GraphQLErrorLike[];
      const status = seen.response?.status;
      if (status === 401 && tokens.renewable && attempt === 1) {
        tokens.invalidate();
        continue;
      }
      if (status === 401 || status === 403) {
        throw new ShopifyAuthError(`Shopify ${operation}: HTTP ${status} from ${shop.shop_domain} (check the access token or app credentials)`);
      }
      const result: AttemptResult = {
        status: seen.networkError ? undefined : status,
        networkError: seen.networkError,
        codes: graphQLErrors.map((e) => e.extensions?.code).filter((c): c is string => Boolean(c)),
        retryAfterSeconds: retryAfter(seen.response),
        cost: res.extensions?.cost as AttemptResult["cost"],
      };
      const decision = nextAttempt(result, attempt, policy);
      if (decision.retry) {
        log(`shopify ${operation}: ${decision.reason}, retry ${attempt}/${policy.maxAttempts - 1} in ${decision.delayMs} ms`);
        await sleep(decision.delayMs);
        continue;
      }
      if (seen.networkError !== undefined || (status !== undefined && (status === 429 || status >= 500)) || result.codes?.includes("THROTTLED")) {
        throw new ShopifyUnavailableError(
          `Shopify ${operation} still failing after ${attempt} attempts: ${seen.networkError ?? (status && status !== 200 ? `HTTP ${status}` : result.codes?.join(","))}`,
          attempt,
          seen.networkError ?? String(status),
        );
      }
      if (graphQLErrors.length) throw new ShopifyGraphQLError(graphQLErrors, operation);
      if (res.errors) throw new ShopifyGraphQLError([{ message: res.errors.message ?? "unknown error" }], operation);
      if (res.data === undefined) throw new ShopifyGraphQLError([{ message: "response has no data" }], operation);
      return res.data as T;
    }
  }

  async function grantedScopes(): Promise<string[]> {
    const data = await request<{ currentAppInstallation: { accessScopes: { handle: string }[] } }>(ACCESS_SCOPES);
    return data.currentAppInstallation.accessScopes.map((s) => s.handle);
  }

  return {
    shop,
    apiVersion,
    request,
    async mutate<T>(document: string, variables: Record<string, unknown>, payload: string): Promise<T> {
      const data = await request<Record<string, { userErrors?: { field?: string[] | null; message: string; code?: string | null }[] }>>(document, variables);
      const errors = data[payload]?.userErrors ?? [];
      if (errors.length) throw new ShopifyUserError(errors, operationName(document));
      return data as T;
    },
    grantedScopes,
    async requireScopes(needed) {
      const granted = await grantedScopes();
      // write_x implies read_x on Shopify.
      const has = (s: string) => granted.includes(s) || (s.startsWith("read_") && granted.includes("write_" + s.slice(5)));
      const missing = needed.filter((s) => !has(s));
      if (missing.length) throw new MissingScopesError(missing, granted);
    },
  };
}

export function operationName(document: string): string {
  return /\b(query|mutation)\s+(\w+)/.exec(document)?.[2] ?? "request";
}

function retryAfter(res: Response | undefined): number | undefined {
  const raw = res?.headers.get("retry-after");
  if (!raw) return undefined;
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}
