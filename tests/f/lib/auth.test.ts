// The identity seam: who the caller is (app viewer first), their teams from
// WM_LOCAL_GROUPS locally or from the Windmill API (a real HTTP stand-in
// answering windmill-client's requests), and requireTeam with ops admitted
// everywhere.
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { caller, ForbiddenError, requireTeam, teamsOf } from "../../../f/lib/auth.ts";
import { loadGroups } from "../../../local/runtime/identity.ts";

const LOCAL_GROUPS = JSON.stringify(Object.fromEntries(loadGroups()));

describe("caller()", () => {
  it.each([
    ["the job's user", { WM_EMAIL: "olivia@shop.local", WM_USERNAME: "olivia" }, { email: "olivia@shop.local", username: "olivia" }],
    ["the app viewer over the publisher", { WM_EMAIL: "admin@shop.local", WM_USERNAME: "admin", WM_END_USER_EMAIL: "felix@shop.local" }, { email: "felix@shop.local", username: "felix" }],
    ["an empty viewer means the job's user", { WM_EMAIL: "dana@shop.local", WM_USERNAME: "dana", WM_END_USER_EMAIL: "" }, { email: "dana@shop.local", username: "dana" }],
    ["the viewer who is the job's user keeps the username", { WM_EMAIL: "c.rossi@shop.local", WM_USERNAME: "carla", WM_END_USER_EMAIL: "c.rossi@shop.local" }, { email: "c.rossi@shop.local", username: "carla" }],
  ])("is %s", (_name, env, expected) => {
    expect(caller(env)).toEqual(expected);
  });

  it("refuses a job without identity", () => {
    expect(() => caller({})).toThrow(ForbiddenError);
  });
});

describe("teams from groups/*.group.yaml (WM_LOCAL_GROUPS)", () => {
  it.each([
    ["olivia", ["ops", "design"], ["ops"]],
    ["admin", ["ops"], ["ops"]],
    ["felix", ["ops", "fulfillment"], ["fulfillment"]],
    ["dana", ["ops", "fulfillment"], []],
    ["stranger", ["ops", "design", "creative", "fulfillment"], []],
  ])("%s in %j -> %j", async (username, teams, expected) => {
    expect(await teamsOf({ email: `${username}@shop.local`, username }, teams, { WM_LOCAL_GROUPS: LOCAL_GROUPS })).toEqual(expected);
  });
});

describe("requireTeam", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ["WM_EMAIL", "WM_USERNAME", "WM_END_USER_EMAIL", "WM_LOCAL_GROUPS"]) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
  const as = (username: string, viewer?: string) => {
    Object.assign(process.env, { WM_EMAIL: `${username}@shop.local`, WM_USERNAME: username, WM_END_USER_EMAIL: viewer ?? "", WM_LOCAL_GROUPS: LOCAL_GROUPS });
  };

  it("admits the team and ops, refuses others with a message naming the teams", async () => {
    as("felix");
    expect(await requireTeam("fulfillment")).toEqual({ email: "felix@shop.local", username: "felix" });
    as("olivia");
    expect((await requireTeam("fulfillment")).username).toBe("olivia");
    as("dana");
    await expect(requireTeam("fulfillment")).rejects.toThrow(/dana@shop.local may not do this: it needs the ops or fulfillment team/);
    await expect(requireTeam()).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("checks the app viewer, not the publisher", async () => {
    as("admin", "carla@shop.local");
    await expect(requireTeam("ops")).rejects.toThrow(/carla@shop.local/);
    expect((await requireTeam("creative")).email).toBe("carla@shop.local");
  });
});

describe("teams from the Windmill API (windmill-client)", () => {
  let server: ServerType;
  let base = "";
  const seen: string[] = [];
  beforeAll(async () => {
    const app = new Hono();
    app.use("*", async (c, next) => {
      seen.push(`${c.req.method} ${c.req.path} ${c.req.header("authorization") ?? ""}`);
      if (c.req.header("authorization") !== "Bearer job-token") return c.json({ error: "unauthorized" }, 401);
      return next();
    });
    const groups: Record<string, string[]> = { ops: ["olivia"], fulfillment: ["felix", "f.two"] };
    app.get("/api/w/:ws/groups/get/:name", (c) => (groups[c.req.param("name")] ? c.json({ name: c.req.param("name"), members: groups[c.req.param("name")] }) : c.text("not found", 404)));
    app.get("/api/w/:ws/users/list", (c) => c.json([{ email: "felix.two@example.com", username: "f.two" }, { email: "olivia@example.com", username: "olivia" }]));
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("reads group members for the job's user", async () => {
    const env = { WM_WORKSPACE: "shop", WM_TOKEN: "job-token", BASE_INTERNAL_URL: base, WM_EMAIL: "olivia@example.com", WM_USERNAME: "olivia" };
    expect(await teamsOf(caller(env), ["ops", "fulfillment"], env)).toEqual(["ops"]);
    expect(seen).toContain("GET /api/w/shop/groups/get/ops Bearer job-token");
  });

  it("maps an app viewer's email to their username", async () => {
    const env = { WM_WORKSPACE: "shop", WM_TOKEN: "job-token", BASE_INTERNAL_URL: base, WM_EMAIL: "olivia@example.com", WM_USERNAME: "olivia", WM_END_USER_EMAIL: "Felix.Two@example.com" };
    expect(await teamsOf(caller(env), ["ops", "fulfillment"], env)).toEqual(["fulfillment"]);
    const unknown = { ...env, WM_END_USER_EMAIL: "nobody@example.com" };
    expect(await teamsOf(caller(unknown), ["ops", "fulfillment"], unknown)).toEqual([]);
  });

  it("fails loudly outside a Windmill job", async () => {
    await expect(teamsOf({ email: "a@b", username: "a" }, ["ops"], {})).rejects.toThrow(/WM_WORKSPACE\/WM_TOKEN/);
  });
});
