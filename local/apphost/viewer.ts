// Who is looking at an app. Locally that is the developer at the keyboard
// (WM_LOCAL_USER, default admin), unless the app URL names someone else with
// `?as=<username>` so demos and tests can act as a staff member (felix, dana).
import { groupsOf, identityFor, loadGroups, localUser, type Identity } from "../runtime/identity.ts";

export class UnknownViewerError extends Error {
  override name = "UnknownViewerError";
}

export interface Viewer extends Identity {
  groups: string[];
}

export function viewerFor(as: string | undefined, root: string): Viewer {
  const me = localUser();
  if (!as || as === me.username || as === me.email) return { ...me, groups: groupsOf(me.username, root) };
  const who = identityFor(as);
  const known = new Set([...loadGroups(root).values()].flat());
  if (!known.has(who.username)) {
    throw new UnknownViewerError(`unknown viewer "${as}": ?as= takes a member of groups/*.group.yaml (${[...known].sort().join(", ") || "none defined"})`);
  }
  return { ...who, groups: groupsOf(who.username, root) };
}
