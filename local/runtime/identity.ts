// Who runs a job, and the groups they belong to, from groups/*.group.yaml
// (Windmill's own group files). In production Windmill supplies both.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { repoRoot } from "../config.ts";

export interface Identity {
  username: string;
  email: string;
}

export const LOCAL_EMAIL_DOMAIN = "shop.local";

export function identityFor(usernameOrEmail: string): Identity {
  const username = usernameOrEmail.includes("@") ? usernameOrEmail.split("@")[0] : usernameOrEmail;
  const email = usernameOrEmail.includes("@") ? usernameOrEmail : `${username}@${LOCAL_EMAIL_DOMAIN}`;
  return { username, email };
}

/** The developer at the keyboard: WM_LOCAL_USER, or "admin". */
export function localUser(env = process.env): Identity {
  return identityFor(env.WM_LOCAL_USER || "admin");
}

/** group name -> member usernames */
export function loadGroups(root = repoRoot): Map<string, string[]> {
  const dir = join(root, "groups");
  const groups = new Map<string, string[]>();
  if (!existsSync(dir)) return groups;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".group.yaml")).sort()) {
    const doc = (parseYaml(readFileSync(join(dir, file), "utf8")) ?? {}) as { members?: string[]; admins?: string[] };
    const members = [...(doc.admins ?? []), ...(doc.members ?? [])].map((m) => m.replace(/^u\//, ""));
    groups.set(file.slice(0, -".group.yaml".length), [...new Set(members)]);
  }
  return groups;
}

export function groupsOf(username: string, root = repoRoot): string[] {
  return [...loadGroups(root)].filter(([, members]) => members.includes(username)).map(([g]) => g);
}
