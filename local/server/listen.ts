// Serve a fetch handler on 127.0.0.1 (never another interface), resolving once
// listening and rejecting (instead of crashing the process) when the port is taken.
import { serve, type ServerType } from "@hono/node-server";

export function listenLocal(fetch: (req: Request, env?: any) => Response | Promise<Response>, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname: "127.0.0.1" }, () => {
      server.off("error", reject);
      resolve(server);
    });
    server.once("error", reject);
  });
}

export function portOf(server: ServerType): number {
  return (server.address() as { port: number }).port;
}
