/** Per-request execution context shared by the resolvers and the bulk projector. */
import type { BulkJobs } from "./bulk/jobs.ts";
import type { Lister } from "./resources.ts";
import type { SearchWarning } from "./search.ts";
import type { Store } from "./store/index.ts";
import type { SimNode } from "./store/types.ts";

export interface SearchExtension {
  path: string[];
  query: string;
  warnings: SearchWarning[];
}

export interface SimContext {
  store: Store;
  lister: Lister;
  jobs: BulkJobs;
  /** Access scopes of the calling token. */
  scopes: ReadonlySet<string>;
  /** Fault injection: deny every root field. */
  denyAll?: boolean;
  /** Bulk export: connections return everything and ignore page sizes. */
  bulk: boolean;
  /** Filled by root connections; becomes `extensions.search` like Shopify's warnings. */
  searchWarnings: SearchExtension[];
  /** Announces a changed record (mutations), e.g. to send its webhook. */
  notify(topic: string, record: SimNode): void;
}
