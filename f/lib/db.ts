// Postgres access for every script: one pooled postgres.js client per
// database resource, reused across calls in the same process.
import { connect as tcpConnect, type Socket } from "node:net";
import postgres, { type Sql } from "postgres";

/** Windmill's `postgresql` resource type. */
export type Postgresql = {
  host: string;
  port?: number;
  user: string;
  password?: string;
  dbname: string;
  sslmode?: string;
  root_certificate_pem?: string;
};

const pools = new Map<string, Sql>();

export function connect(db: Postgresql): Sql {
  const key = `${db.user}@${db.host}:${db.port ?? 5432}/${db.dbname}`;
  let sql = pools.get(key);
  if (!sql) {
    sql = postgres({
      host: db.host,
      port: db.port ?? 5432,
      user: db.user,
      password: db.password,
      database: db.dbname,
      ssl: sslOption(db),
      max: 5,
      idle_timeout: 30,
      onnotice: () => {},
      ...NO_DELAY,
    });
    pools.set(key, sql);
  }
  return sql;
}

function sslOption(db: Postgresql): false | "require" | { ca: string } {
  if (db.root_certificate_pem) return { ca: db.root_certificate_pem };
  return !db.sslmode || db.sslmode === "disable" ? false : "require";
}

/**
 * postgres.js's socket with Nagle's algorithm off, as libpq always has it.
 * postgres.js ends a COPY with two small writes (the last CopyData, then
 * CopyDone); with Nagle on, the second waits for the server's delayed ACK,
 * which cost about 90 ms per COPY here (a staging batch is one COPY).
 * postgres.js takes a socket from this option already connected.
 */
export async function noDelaySocket(options: { host: string[]; port: number[]; path?: string | false; connect_timeout?: number }): Promise<Socket> {
  const socket = options.path ? tcpConnect(options.path) : tcpConnect({ host: options.host[0]!, port: options.port[0]! });
  socket.setNoDelay(true);
  const timeoutMs = (options.connect_timeout ?? 30) * 1000;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connect to Postgres at ${options.path || `${options.host[0]}:${options.port[0]}`} timed out after ${timeoutMs / 1000} s`));
    }, timeoutMs);
    socket.once("connect", () => (clearTimeout(timer), resolve()));
    socket.once("error", (error) => (clearTimeout(timer), reject(error)));
  });
  // postgres.js names the TLS server from socket.host.
  return Object.assign(socket, { host: options.host[0] });
}

/** postgres.js's `socket` option (supported, missing from its types) set to noDelaySocket: spread it into the options. */
export const NO_DELAY = { socket: noDelaySocket } as Record<never, never>;

/** Closes every pool (tests and short-lived CLIs). */
export async function closeAll(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((s) => s.end({ timeout: 5 })));
}
