// Marts (SPEC S3): refresh (incremental or full), the settings and rules they
// are computed with, and Ops' audited rule edits.
export { refreshMarts, type RefreshOptions, type RefreshResult } from "./refresh.ts";
export { loadRules, loadShopSettings, rulesVersion, saveShopSettings, type ShopSettings } from "./settings.ts";
export { updateRule, RuleInput, type RuleUpdate } from "./rule_edit.ts";
