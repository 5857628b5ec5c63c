// The HTML the host serves: the host page (an iframe with the app and the
// bridge that answers it), the framed document with the app's bundle, and
// the list of apps.
import type { RawApp } from "./apps.ts";
import type { Bundle } from "./bundle.ts";
import type { Viewer } from "./viewer.ts";

/** The app runs in an iframe, as in Windmill; the sandboxed variant gets an opaque origin (policy.sandbox). */
const SANDBOX = "allow-scripts allow-forms allow-popups allow-popups-to-escape-sandbox allow-downloads allow-modals";

export function hostPage(app: RawApp, as: string | null, bridgeJs: string): string {
  const frameSrc = `/apps/frame/${app.path}${as ? `?as=${encodeURIComponent(as)}` : ""}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(app.summary || app.path)}</title>
<style>html,body{margin:0;height:100%;background:#fff}iframe{border:0;width:100%;height:100%;display:block}</style>
</head>
<body>
<iframe id="app" title="${escapeHtml(app.path)}" src="${escapeHtml(frameSrc)}"${app.sandbox ? ` sandbox="${SANDBOX}"` : ""}></iframe>
<script>const HOST = ${inlineJson({ app: app.path, as })};</script>
<script>${inlineScript(bridgeJs)}</script>
</body>
</html>`;
}

/** The document inside the iframe. `window.ctx` is what Windmill gives a raw app: the viewer and the workspace. */
export function framePage(app: RawApp, bundle: Bundle, viewer: Viewer, workspace: string): string {
  const ctx = { ctx: { username: viewer.username, email: viewer.email, groups: viewer.groups }, workspace };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(app.path)}</title>
<style>${bundle.css.replace(/<\/style/gi, "<\\/style")}</style>
</head>
<body>
<div id="root"></div>
<script>window.ctx = ${inlineJson(ctx)};</script>
<script>${inlineScript(bundle.js)}</script>
</body>
</html>`;
}

export function indexPage(apps: string[]): string {
  const items = apps.map((a) => `<li><a href="/apps/${escapeHtml(a)}">${escapeHtml(a)}</a></li>`).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Apps</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;color:#1f2937}</style></head>
<body><h1>Apps</h1>${apps.length ? `<ul>${items}</ul>` : "<p>No raw apps in this workspace (f/**/&lt;name&gt;__raw_app/).</p>"}</body></html>`;
}

export function errorPage(title: string, detail: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;color:#1f2937}pre{background:#fef2f2;border:1px solid #fecaca;padding:1rem;white-space:pre-wrap}</style></head>
<body><h1>${escapeHtml(title)}</h1><pre>${escapeHtml(detail)}</pre></body></html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function inlineJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c");
}

function inlineScript(js: string): string {
  return js.replace(/<\/script/gi, "<\\/script");
}
