import { createServer, type Server, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { drainOnShutdown } from './graceful-shutdown';

/** A server whose `/slow` requests answer only when the test says so. */
function slowServer() {
  const waiting: ServerResponse[] = [];
  const arrived: Array<() => void> = [];
  const server = createServer((req, res) => {
    if (req.url === '/slow') {
      // Headers first, body later: the connection is busy, its response under way.
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.flushHeaders();
      waiting.push(res);
      arrived.shift()?.();
      return;
    }
    res.end('fast');
  });
  const nextSlow = () => new Promise<void>((resolve) => arrived.push(resolve));
  return { server, waiting, nextSlow };
}

const listen = (server: Server) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

/** Everything the server sent on a raw connection until it closed it. */
function readAll(socket: net.Socket): Promise<string> {
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return new Promise((resolve) => socket.once('close', () => resolve(text)));
}

describe('drainOnShutdown', () => {
  it('lets the request in flight finish, answers a later one on its connection with a 503, and refuses new connections', async () => {
    const { server, waiting, nextSlow } = slowServer();
    const drain = drainOnShutdown(server);
    const port = await listen(server);
    const socket = net.connect(port, '127.0.0.1');
    const received = readAll(socket);
    const slow = nextSlow();
    socket.write('GET /slow HTTP/1.1\r\nHost: test\r\n\r\n');
    await slow;

    let drained = false;
    const draining = drain.drain(60_000).then((outcome) => {
      drained = true;
      return outcome;
    });
    // Sent after the drain began, on the busy kept-alive connection: answered after the first, and turned away.
    socket.write('GET /fast HTTP/1.1\r\nHost: test\r\n\r\n');
    const refused = await new Promise<NodeJS.ErrnoException>((resolve) => net.connect(port, '127.0.0.1').once('error', resolve));
    expect(refused.code).toBe('ECONNREFUSED');
    expect(drained).toBe(false);
    expect(drain.inFlight()).toBe(1);
    waiting[0]!.end('slow done');

    const text = await received;
    expect(await draining).toEqual({ inFlight: 1, cut: 0, unsettled: 0 });
    expect(text).toContain('slow done');
    const refusal = text.slice(text.indexOf('HTTP/1.1 503'));
    expect(refusal).toMatch(/^HTTP\/1\.1 503/);
    expect(refusal).toMatch(/\r\nconnection: close\r\n/i);
    expect(refusal).toMatch(/\r\nretry-after: \d+\r\n/i);
    expect(refusal).toContain('"code":"SERVER.SHUTTING_DOWN"');
  });

  it('cuts what is still running when the grace period is over, then waits for an unanswered handler to clean up', async () => {
    const pending: ServerResponse[] = [];
    let arrived!: () => void;
    const both = new Promise<void>((resolve) => (arrived = resolve));
    const cleanedUp: string[] = [];
    const server = createServer((req, res) => {
      pending.push(res);
      if (pending.length === 2) arrived();
      if (req.url === '/download') {
        // A response under way that never ends (a client that stopped reading): nothing left to wait for once cut.
        res.writeHead(200).write('part of it');
        return;
      }
      // A handler still working when its client is cut: it cleans up, then answers, as Express handlers do.
      res.once('close', () =>
        setImmediate(() => {
          cleanedUp.push(req.url ?? '');
          res.end();
        }),
      );
    });
    const drain = drainOnShutdown(server);
    const port = await listen(server);
    const sockets = ['/working', '/download'].map((url) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.write(`GET ${url} HTTP/1.1\r\nHost: test\r\n\r\n`);
      return readAll(socket);
    });
    await both;

    const outcome = await drain.drain(0);

    expect(outcome).toEqual({ inFlight: 2, cut: 2, unsettled: 0 });
    expect(cleanedUp).toEqual(['/working']);
    expect(drain.inFlight()).toBe(0);
    await Promise.all(sockets);
  });

  it('resolves at once with nothing in flight, and returns the same outcome when called again', async () => {
    const { server } = slowServer();
    const drain = drainOnShutdown(server);
    await listen(server);

    const first = drain.drain(60_000);
    const second = drain.drain(60_000);

    expect(second).toBe(first);
    expect(await first).toEqual({ inFlight: 0, cut: 0, unsettled: 0 });
  });
});
