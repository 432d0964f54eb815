import net from 'node:net';
import { startTestServer, type TestServer } from './testing/test-server';

const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((api) => api.close()));
});

/**
 * A slow-loris client: the request line, then one header line every 200 ms, never the blank line that ends the
 * headers. Resolves with what the server answered once it closes the connection, and how many lines were sent by then.
 */
function slowHeaders(url: string, maxLines: number): Promise<{ answer: string; linesSent: number }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    let answer = '';
    let linesSent = 0;
    let timer: NodeJS.Timeout | undefined;
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      socket.write('GET /api/health HTTP/1.1\r\nHost: x\r\n');
      timer = setInterval(() => {
        if (linesSent >= maxLines || socket.destroyed) return clearInterval(timer);
        linesSent++;
        socket.write(`X-Slow-${linesSent}: ${'a'.repeat(8)}\r\n`);
      }, 200);
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, linesSent });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
  });
}

describe('HTTP server timeouts', () => {
  it('are set from the configuration, the keep-alive default above the 60 s idle timeout an ALB has by default', async () => {
    const api = await startTestServer();
    servers.push(api);

    expect(api.server.requestTimeout).toBe(300_000);
    expect(api.server.headersTimeout).toBe(20_000);
    expect(api.server.keepAliveTimeout).toBe(65_000);
  });

  it('cut a client that trickles its headers (slow loris) once the headers timeout runs out', async () => {
    const api = await startTestServer({ HTTP_HEADERS_TIMEOUT_SECONDS: '1', HTTP_REQUEST_TIMEOUT_SECONDS: '2', IDEMPOTENCY_LEASE_SECONDS: '4' });
    servers.push(api);
    const maxLines = 50; // 10 s of trickling: far past the 1 s timeout, far short of the 20 s default

    const { answer, linesSent } = await slowHeaders(api.url, maxLines);

    // Closed by the server while the client still had lines to send; with a 408 problem when Node could still write.
    expect(linesSent).toBeLessThan(maxLines);
    if (answer !== '') expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*"code":"REQUEST.TIMEOUT"/);
  });
});
