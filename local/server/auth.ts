// The local console is reachable only from this machine (127.0.0.1) and only
// with the login token printed at start: as a cookie set by /?token=..., or as
// `Authorization: Bearer <token>` for scripts and tests.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";

export const COOKIE = "wm_local_token";

export function newToken(): string {
  return randomBytes(24).toString("base64url");
}

export function tokenMatches(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Accepts the bearer header or the cookie; `?token=` logs in (sets the cookie). */
export function requireToken(token: string): MiddlewareHandler {
  return async (c, next) => {
    const query = c.req.query("token");
    if (query !== undefined && tokenMatches(token, query)) {
      setCookie(c, COOKIE, token, { httpOnly: true, sameSite: "Strict", path: "/" });
      const url = new URL(c.req.url);
      url.searchParams.delete("token");
      return c.redirect(url.pathname + url.search, 302);
    }
    const bearer = c.req.header("authorization")?.replace(/^Bearer\s+/i, "");
    if (tokenMatches(token, bearer) || tokenMatches(token, getCookie(c, COOKIE))) return next();
    return c.text("401 Unauthorized: open the URL with the login token printed by wm-local serve\n", 401);
  };
}
