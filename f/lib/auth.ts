// The one identity seam (SPEC section 4): who is calling, and which teams
// they belong to. Every mutation checks the caller's team server-side here.
//
//  * The caller is the app viewer when there is one (WM_END_USER_EMAIL, set
//    for jobs started from an app in publisher mode), else the job's user
//    (WM_EMAIL / WM_USERNAME).
//  * Teams are Windmill groups (ops, fulfillment, design, creative). Ops may
//    do everything, so `requireTeam("design")` also admits ops.
//  * Locally the runner passes the groups of groups/*.group.yaml as JSON in
//    WM_LOCAL_GROUPS (group -> member usernames). In Windmill there is no such
//    variable and the groups come from the API through windmill-client
//    (GroupService.getGroup with the job's WM_TOKEN; an app viewer's email is
//    mapped to their username with UserService.listUsers).
import * as wmill from "windmill-client";

export interface Caller {
  email: string;
  username: string;
}

export class ForbiddenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ForbiddenError";
  }
}

export const ALL_TEAMS_GROUP = "ops";

type Env = Record<string, string | undefined>;

export function caller(env: Env = process.env): Caller {
  const endUser = env.WM_END_USER_EMAIL || "";
  const email = endUser || env.WM_EMAIL || "";
  if (!email) throw new ForbiddenError("no caller identity: neither WM_END_USER_EMAIL nor WM_EMAIL is set");
  const isJobUser = !endUser || endUser === env.WM_EMAIL;
  return { email, username: isJobUser && env.WM_USERNAME ? env.WM_USERNAME : email.split("@")[0]! };
}

/** Which of `teams` the caller belongs to. */
export async function teamsOf(who: Caller, teams: readonly string[], env: Env = process.env): Promise<string[]> {
  if (env.WM_LOCAL_GROUPS !== undefined) {
    const groups = JSON.parse(env.WM_LOCAL_GROUPS) as Record<string, string[]>;
    return teams.filter((t) => (groups[t] ?? []).includes(who.username));
  }
  return windmillTeamsOf(who, teams, env);
}

async function windmillTeamsOf(who: Caller, teams: readonly string[], env: Env): Promise<string[]> {
  const workspace = env.WM_WORKSPACE;
  if (!workspace || !env.WM_TOKEN) throw new ForbiddenError("cannot check teams: WM_WORKSPACE/WM_TOKEN are not set (not running as a Windmill job?)");
  wmill.setClient(env.WM_TOKEN, env.BASE_INTERNAL_URL ?? env.BASE_URL);
  let username = who.username;
  if (env.WM_END_USER_EMAIL && env.WM_END_USER_EMAIL !== env.WM_EMAIL) {
    const user = (await wmill.UserService.listUsers({ workspace })).find((u) => u.email.toLowerCase() === who.email.toLowerCase());
    if (!user) return [];
    username = user.username;
  }
  const found: string[] = [];
  for (const name of teams) {
    const group = await wmill.GroupService.getGroup({ workspace, name });
    if ((group.members ?? []).includes(username)) found.push(name);
  }
  return found;
}

/** The caller, if they are in one of `teams` or in ops; otherwise ForbiddenError. */
export async function requireTeam(...teams: string[]): Promise<Caller> {
  const who = caller();
  const wanted = [...new Set([ALL_TEAMS_GROUP, ...teams])];
  if ((await teamsOf(who, wanted)).length === 0) {
    throw new ForbiddenError(`${who.email} may not do this: it needs the ${wanted.join(" or ")} team`);
  }
  return who;
}
