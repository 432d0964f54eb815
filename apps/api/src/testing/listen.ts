// An Express app (or any request listener) on a loopback port for a test, and how to stop it.
import type { AddressInfo } from 'node:net';
import type { RequestListener, Server } from 'node:http';
import { createServer } from 'node:http';

export interface Listening {
  server: Server;
  /** `http://127.0.0.1:<port>`. */
  base: string;
  /** Closes the server and every connection still open (kept-alive ones included). */
  close(): Promise<void>;
}

export async function listenOnLoopback(app: RequestListener): Promise<Listening> {
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    server,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
