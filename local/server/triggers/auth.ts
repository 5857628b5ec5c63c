// The authentication an HTTP trigger declares, checked the way Windmill's
// route handler does (http_trigger_auth.rs): `windmill` wants the login token
// (our stand-in for a Windmill token), `api_key` / `basic_http` / `signature`
// read their settings from the trigger's authentication resource. `none` and
// `custom_script` (the preprocessor checks) let every request through.
import { createHmac, timingSafeEqual } from "node:crypto";
import { getCookie } from "hono/cookie";
import type { Context } from "hono";
import type { ResourceStore } from "../../runtime/resources.ts";
import { COOKIE, tokenMatches } from "../auth.ts";
import type { HttpTrigger } from "./load.ts";

/** A refusal: status and body exactly as Windmill answers. */
export interface Refusal {
  status: 400 | 401 | 500;
  body: string;
  json: boolean;
  headers?: Record<string, string>;
}

const jsonError = (status: 400 | 401, error: string): Refusal => ({ status, body: JSON.stringify({ error }), json: true });

export function checkAuth(c: Context, trigger: HttpTrigger, rawString: string | null, token: string, resources: ResourceStore): Refusal | undefined {
  switch (trigger.authentication_method) {
    case "none":
    case "custom_script":
      return undefined;
    case "windmill": {
      // Windmill reads `Authorization: Bearer` or a cookie named `token`; the
      // console's own cookie counts too, so the console can call routes.
      const bearer = c.req.header("authorization")?.replace(/^Bearer\s+/i, "");
      const given = bearer ?? getCookie(c, "token") ?? getCookie(c, COOKIE);
      if (!given) return { status: 401, body: "Requires authentication", json: false };
      return tokenMatches(token, given) ? undefined : { status: 401, body: "Unauthorized", json: false };
    }
    default:
      return checkResourceAuth(c, trigger, rawString, resources);
  }
}

function checkResourceAuth(c: Context, trigger: HttpTrigger, rawString: string | null, resources: ResourceStore): Refusal | undefined {
  let config: Record<string, unknown>;
  try {
    config = resources.resource(trigger.authentication_resource_path!) as Record<string, unknown>;
  } catch (e) {
    return { status: 500, body: `${trigger.file}: ${(e as Error).message}`, json: false };
  }
  const header = (name: string) => c.req.header(name);
  if (trigger.authentication_method === "api_key") {
    const given = header(String(config.api_key_header ?? ""));
    return given !== undefined && given === config.api_key_secret ? undefined : { status: 401, body: "Unauthorized", json: false };
  }
  if (trigger.authentication_method === "basic_http") {
    const refuse: Refusal = { status: 401, body: "Unauthorized", json: false, headers: { "www-authenticate": 'Basic realm="Restricted Area"' } };
    const [scheme, encoded] = (header("authorization") ?? "").split(" ");
    if (scheme !== "Basic" || !encoded) return refuse;
    const parts = Buffer.from(encoded, "base64").toString("utf8").split(":");
    return parts.length === 2 && parts[0] === config.username && parts[1] === config.password ? undefined : refuse;
  }
  return checkSignature(header, config, rawString);
}

type HmacAlgorithm = "sha1" | "sha256" | "sha512";
type Encoding = "hex" | "base64" | "base64uri";

interface SignedPayload {
  payload: string;
  signature: string;
  prefix?: string;
  algorithm: HmacAlgorithm;
  encoding: Encoding;
}

/** Windmill's signature presets; Twitch and Zoom also answer challenges, which we do not. */
function presetPayload(provider: string, header: (n: string) => string | undefined, raw: string): SignedPayload | Refusal {
  const need = (name: string): string | Refusal => header(name) ?? jsonError(400, `missing header ${name}`);
  const isRefusal = (v: unknown): v is Refusal => typeof v === "object";
  switch (provider) {
    case "Github": {
      const sig = need("X-Hub-Signature-256");
      return isRefusal(sig) ? sig : { payload: raw, signature: sig, prefix: "sha256=", algorithm: "sha256", encoding: "hex" };
    }
    case "Slack": {
      const sig = need("X-Slack-Signature");
      const ts = need("X-Slack-Request-Timestamp");
      if (isRefusal(sig)) return sig;
      if (isRefusal(ts)) return ts;
      return { payload: `v0:${ts}:${raw}`, signature: sig, prefix: "v0=", algorithm: "sha256", encoding: "hex" };
    }
    case "Stripe":
    case "TikTok": {
      const sig = need(provider === "Stripe" ? "STRIPE-SIGNATURE" : "TikTok-Signature");
      if (isRefusal(sig)) return sig;
      const parts = Object.fromEntries(sig.split(",").map((p) => p.split("=")).filter((kv) => kv.length >= 2).map(([k, v]) => [k, v]));
      if (!parts.t) return jsonError(400, "failed to parse timestamp");
      const value = parts[provider === "Stripe" ? "v1" : "s"];
      if (!value) return jsonError(401, "signature invalid");
      return { payload: `${parts.t}.${raw}`, signature: value, algorithm: "sha256", encoding: "hex" };
    }
    default:
      return { status: 500, body: `signature provider ${provider} is not supported locally`, json: false };
  }
}

function checkSignature(header: (n: string) => string | undefined, config: Record<string, unknown>, raw: string | null): Refusal | undefined {
  if (raw === null) return jsonError(400, "payload invalid");
  const secret = String(config.secret_key ?? "");
  const provider = String(config.signature_provider ?? "Custom");
  let signed: SignedPayload | Refusal;
  if (provider === "Custom") {
    const custom = config.authentication_config as
      | { algorithm: HmacAlgorithm; encoding: Encoding; signature_header_name: string; signature_prefix?: string | null }
      | undefined;
    if (!custom) return jsonError(400, "invalid custom config");
    const sig = header(custom.signature_header_name);
    if (sig === undefined) return jsonError(400, `missing header ${custom.signature_header_name}`);
    signed = { payload: raw, signature: sig, prefix: custom.signature_prefix ?? undefined, algorithm: custom.algorithm, encoding: custom.encoding };
  } else {
    signed = presetPayload(provider, header, raw);
  }
  if ("status" in signed) return signed;
  const digest = createHmac(signed.algorithm, secret).update(signed.payload).digest();
  const encoded = signed.encoding === "hex" ? digest.toString("hex") : signed.encoding === "base64" ? digest.toString("base64") : base64UrlPadded(digest);
  const expected = Buffer.from((signed.prefix ?? "") + encoded);
  const given = Buffer.from(signed.signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? undefined : jsonError(401, "signature invalid");
}

/** Rust's BASE64_URL_SAFE keeps the `=` padding, unlike Node's base64url. */
function base64UrlPadded(b: Buffer): string {
  return b.toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
}
