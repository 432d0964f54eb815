// Attachments: peak resident-memory growth of the API process per request carrying one large image, per upload route.
import { fork, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import path from 'node:path';
import { pngBytes } from '@pecunia/core/testing';
import type { Cell, SectionContext, SectionResult } from './bench-types';
import { tradeBody } from './journal-fixture';
import { canMeasurePeaks, memoryStatus, resetPeak } from './peak-memory';
import { MB, median, round } from './stats';

interface UploadRequest {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** An upload route: how to send one file through it. */
interface AttachmentRoute {
  id: string;
  name: string;
  send: (file: Buffer) => UploadRequest;
}

/** The trade route with the file base64-encoded inside the JSON body. */
const jsonBase64 = (file: Buffer): UploadRequest => ({
  path: '/api/trades?sheet_id=bench-attachments',
  headers: { 'Content-Type': 'application/json' },
  body: Buffer.from(JSON.stringify({ ...(JSON.parse(tradeBody()) as object), attachments: [{ filename: 'chart.png', mime_type: 'image/png', data: file.toString('base64') }] })),
});

/** A `multipart/form-data` body: the trade's fields as JSON in a `trade` part, then the file in an `attachments` part. */
const multipart =
  (routePath: string) =>
  (file: Buffer): UploadRequest => {
    const boundary = `bench${Date.now().toString(36)}`;
    const head = (headers: string) => Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`);
    return {
      path: routePath,
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      body: Buffer.concat([
        head('Content-Disposition: form-data; name="trade"\r\nContent-Type: application/json'),
        Buffer.from(`${tradeBody()}\r\n`),
        head('Content-Disposition: form-data; name="attachments"; filename="chart.png"\r\nContent-Type: image/png'),
        file,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
    };
  };

const ROUTES: AttachmentRoute[] = [
  { id: 'json_base64', name: 'JSON with base64 (`POST /api/trades`)', send: jsonBase64 },
  { id: 'multipart', name: 'multipart/form-data, streamed (`POST /api/trades`)', send: multipart('/api/trades?sheet_id=bench-attachments') },
];

/** A PNG of exactly `bytes` bytes, different for each `seed`: the media store keeps files by content, once. */
function image(bytes: number, seed: number): Buffer {
  const png = pngBytes();
  const file = Buffer.alloc(bytes);
  png.copy(file);
  for (let i = png.length; i < bytes; i += 4) file.writeUInt32LE((i * 2_654_435_761 + seed) >>> 0, Math.min(i, bytes - 4));
  return file;
}

interface Child {
  process: ChildProcess;
  url: string;
  key: string;
}

/** The API alone in a process (tsx, --expose-gc), so its peak memory is the server's and nothing of the bench's. */
async function startChild(): Promise<Child> {
  const child = fork(path.join(__dirname, 'api-child.ts'), [], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<{ url: string; key: string }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { url: string; key: string }));
    child.once('exit', (code) => reject(new Error(`the bench API process exited (${code}) before it listened`)));
  });
  return { process: child, ...ready };
}

function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.process.once('exit', () => resolve()));
  child.process.disconnect();
  return exited;
}

function collectChildGarbage(child: Child): Promise<void> {
  return new Promise((resolve) => {
    child.process.once('message', () => resolve());
    child.process.send('gc');
  });
}

function send(child: Child, upload: UploadRequest): Promise<number> {
  const url = new URL(upload.path, child.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...upload.headers, 'Content-Length': String(upload.body.length), Authorization: `Bearer ${child.key}` } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end(upload.body);
  });
}

/** Growth of the child's peak RSS over its RSS after a full collection, for each request. */
async function measureRoute(child: Child, build: (file: Buffer) => UploadRequest, bytes: number, requests: number): Promise<number[]> {
  const growth: number[] = [];
  // One request first, not counted: the route's code is loaded and compiled before anything is measured.
  const warm = await send(child, build(image(64 * 1024, 0)));
  if (warm !== 201) throw new Error(`the warm-up upload answered ${warm}, not 201`);
  for (let i = 1; i <= requests; i++) {
    const upload = build(image(bytes, i));
    await collectChildGarbage(child);
    const pid = child.process.pid!;
    resetPeak(pid);
    const before = memoryStatus(pid).rss_bytes;
    const status = await send(child, upload);
    if (status !== 201) throw new Error(`an upload of ${bytes} bytes answered ${status}, not 201`);
    growth.push(memoryStatus(pid).peak_bytes - before);
  }
  return growth;
}

export async function attachments(context: SectionContext): Promise<SectionResult> {
  const { sizes } = context;
  const fileMb = sizes.attachmentBytes / MB;
  const columns = [
    { title: 'Route' },
    { title: 'File (MB)', unit: 'MB' as const },
    { title: 'Peak RSS growth, median (MB)', unit: 'MB' as const },
    { title: 'Max (MB)', unit: 'MB' as const },
    { title: 'Growth ÷ file size', unit: 'x' as const },
  ];
  const method =
    `The real API (local mode) in a process of its own for each route (\`POST /api/trades\` with the file base64 in JSON, and as a ` +
    `multipart form); after one small warm-up upload, for each of ${sizes.attachmentRequests} requests carrying one ${round(fileMb)} MB PNG ` +
    '(different bytes each time), after a full GC in that process its peak RSS is reset (`/proc/<pid>/clear_refs`) and read back ' +
    '(`VmHWM`) when the 201 arrives: growth = peak − RSS before the request. The kernel tracks the peak itself, so no spike ' +
    'falls between samples.';
  const unavailable = (reason: string) => ({ rows: ROUTES.map((route) => [route.name, fileMb, reason, 'n/a', 'n/a'] as Cell[]), reason });

  if (!canMeasurePeaks()) {
    const { rows, reason } = unavailable('n/a (needs Linux /proc/<pid>/clear_refs)');
    return { id: 'attachments', title: 'Attachments', method, columns, rows, data: { file_bytes: sizes.attachmentBytes, routes: {} }, notes: [reason] };
  }

  const rows: Cell[][] = [];
  const routes: Record<string, unknown> = {};
  for (const route of ROUTES) {
    // A process per route: memory one route freed is not there for the next to reuse.
    const child = await startChild();
    try {
      context.log(`attachments: ${route.name}, ${sizes.attachmentRequests} × ${round(fileMb)} MB`);
      const growth = await measureRoute(child, route.send, sizes.attachmentBytes, sizes.attachmentRequests);
      const typical = median(growth);
      rows.push([route.name, fileMb, typical / MB, Math.max(...growth) / MB, round(typical / sizes.attachmentBytes, 2)]);
      routes[route.id] = { growth_bytes: growth, median_growth_bytes: typical, growth_per_file_byte: typical / sizes.attachmentBytes };
    } finally {
      await stopChild(child);
    }
  }
  return {
    id: 'attachments',
    title: 'Attachments',
    method,
    columns,
    rows,
    data: { file_bytes: sizes.attachmentBytes, requests: sizes.attachmentRequests, routes },
    notes: [
      'JSON: the body is read into one buffer, the base64 stays in it (never a JS string) and is decoded in place; the form: ' +
        'each file goes to the media store as it arrives. What remains is mostly the socket’s read buffers awaiting a ' +
        'collection; memory a request freed is reused by the next, so the first large request of a process grows most (Max).',
    ],
  };
}
