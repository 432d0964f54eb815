// Test helper: requests built from the OpenAPI document — one valid per operation — and then broken, deterministically.
import { mp3Bytes, pngBytes, toBase64 } from '@pecunia/core/testing';

/** One HTTP request as sent on the wire: the path is raw (not normalised), a header may repeat (array value). */
export interface FuzzRequest {
  operation: string;
  label: string;
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
  /** Send the caller's valid key (unless `headers` already names an Authorization). */
  auth: boolean;
}

type Schema = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  bodyTypes: Record<string, Schema>;
}

export function operationsOf(document: { paths: Record<string, Record<string, Record<string, unknown>>>; components: Record<string, Record<string, unknown>> }): Operation[] {
  const resolve = <T>(node: unknown): T => {
    const ref = (node as { $ref?: string })?.$ref;
    if (!ref) return node as T;
    const [, , section, name] = ref.split('/');
    return resolve<T>(document.components[section!]![name!]);
  };
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'delete', 'patch'].includes(method)) continue;
      const parameters = ((raw.parameters as unknown[]) ?? []).map((p) => resolve<Parameter>(p));
      const content = (resolve<{ content?: Record<string, { schema: unknown }> }>(raw.requestBody ?? {}).content ?? {}) as Record<string, { schema: unknown }>;
      const bodyTypes = Object.fromEntries(Object.entries(content).map(([type, media]) => [type, deepResolve(media.schema, resolve)]));
      operations.push({ method: method.toUpperCase(), path, parameters: parameters.map((p) => ({ ...p, schema: deepResolve(p.schema, resolve) })), bodyTypes });
    }
  }
  return operations;
}

function deepResolve(node: unknown, resolve: (n: unknown) => unknown, depth = 0): Schema {
  const schema = resolve(node) as Schema | undefined;
  if (!schema || typeof schema !== 'object' || depth > 8) return schema ?? {};
  const out: Schema = { ...schema };
  if (schema.properties) {
    out.properties = Object.fromEntries(Object.entries(schema.properties as Record<string, unknown>).map(([k, v]) => [k, deepResolve(v, resolve, depth + 1)]));
  }
  if (schema.items) out.items = deepResolve(schema.items, resolve, depth + 1);
  for (const key of ['oneOf', 'anyOf', 'allOf']) if (Array.isArray(schema[key])) out[key] = (schema[key] as unknown[]).map((s) => deepResolve(s, resolve, depth + 1));
  return out;
}

/** A value the schema accepts, from its example, default, enum or type (a format or a pattern picks a plausible one). */
export function sample(schema: Schema | undefined, name = ''): unknown {
  if (!schema) return 'x';
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  for (const key of ['oneOf', 'anyOf', 'allOf']) if (Array.isArray(schema[key])) return sample((schema[key] as Schema[])[0], name);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = (schema.required ?? []) as string[];
      return Object.fromEntries(required.map((key) => [key, sample(properties[key], key)]));
    }
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return true;
    default:
      if (schema.pattern === '^\\d{4}-\\d{2}-\\d{2}$' || name.endsWith('_date')) return '2026-03-02';
      if (name.endsWith('timestamp')) return '2026-03-02T09:41:00Z';
      return name === 'timezone' ? 'UTC' : `fuzz-${name || 'value'}`;
  }
}

const HUGE = 'A'.repeat(200_000);
/** Oddities of Unicode and C strings: RTL override, NUL, a lone surrogate, combining marks, a BOM, emoji. */
const ODD_UNICODE = `\u202eevil\u202c\u0000\ud800 e\u0301\u0301\u0301 \ufeff🦄${'\u200b'.repeat(50)}`;

/** Values of the wrong type or shape, for any field. */
export const BROKEN_VALUES: readonly unknown[] = [
  null,
  0,
  -1,
  1.5e308,
  true,
  [],
  {},
  [[[]]],
  { $ref: '#/x' },
  '',
  ' ',
  HUGE,
  ODD_UNICODE,
  '../../etc/passwd',
  '..\\..\\x.png',
  '%00',
  'NaN',
  '2026-02-30T25:61:00Z',
  '<script>alert(1)</script>',
  '=HYPERLINK("http://evil")',
  // Own `__proto__` and `constructor` keys, as JSON.parse makes them: a merge that walks them would pollute Object.prototype.
  JSON.parse('{"toString":"x","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
];

/** Path parameter values as they appear on the wire (already percent-encoded where needed). */
export const BROKEN_PATH_SEGMENTS: readonly string[] = [
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '..%2f..%2f',
  '%00',
  'a%00b',
  '%ZZ',
  '%',
  'x'.repeat(10_240),
  encodeURIComponent(ODD_UNICODE.replace('\ud800', '')),
  '%ED%A0%80',
  '%C0%AE%C0%AE',
  '%252e%252e',
  '-1',
  '0',
];

/** Query values, raw on the wire. */
export const BROKEN_QUERY_VALUES: readonly string[] = ['', '%00', '%ZZ', 'x'.repeat(10_240), '-1', '1e400', 'NaN', '..%2F..%2Fetc', '%E2%80%AE', '2026-13-45', '[]', '%ED%A0%80'];

/** A valid JSON body for the routes whose examples alone would not reach the handler's inner paths. */
export function validTradeBody(withAttachments = true): Record<string, unknown> {
  return {
    ticker: 'aapl',
    position_type: 'long',
    pnl: 185,
    entry_timestamp: '2026-03-02T09:41:00',
    exit_timestamp: '2026-03-02T10:15:00',
    quantity: 100,
    entry_price: 189.2,
    exit_price: 191.05,
    tags: ['breakout'],
    notes: 'fuzz',
    ...(withAttachments ? { attachments: [{ filename: 'chart.png', mime_type: 'image/png', data: toBase64(pngBytes()) }] } : {}),
  };
}

/** Attachments that lie or break: each replaces the valid one of a trade body. */
export function brokenAttachments(): unknown[] {
  const png = toBase64(pngBytes());
  return [
    { filename: 'chart.png', mime_type: 'image/png', data: '!!!not base64!!!' },
    { filename: 'chart.png', mime_type: 'image/png', data: `${png.slice(0, -3)}=A=` },
    { filename: 'chart.png', mime_type: 'image/png', data: '====' },
    { filename: 'memo.mp3', mime_type: 'audio/mpeg', data: png },
    { filename: 'chart.png', mime_type: 'image/png', data: toBase64(mp3Bytes()) },
    { filename: 'x.svg', mime_type: 'image/svg+xml', data: toBase64(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')) },
    { filename: '..\\..\\x.png', mime_type: 'image/png', data: png },
    { filename: '../../etc/passwd', mime_type: 'image/png', data: png },
    { filename: `${ODD_UNICODE}.png`, mime_type: 'image/png', data: png },
    { filename: 'x'.repeat(300), mime_type: 'image/png', data: png },
    { filename: 'chart.png', mime_type: 'application/x-msdownload', data: toBase64(Buffer.from('MZ\x90\x00')) },
    { filename: 'chart.png', mime_type: 'IMAGE/PNG', data: png },
    { filename: 'chart.png', mime_type: 'image/png', data: png, extra: 1 },
    { filename: 'chart.png', mime_type: 'image/png' },
    { filename: 'chart.png', mime_type: 'image/png', data: toBase64(Buffer.alloc(0)) || 'AA==' },
    { filename: 'big.png', mime_type: 'image/png', data: toBase64(Buffer.concat([pngBytes(), Buffer.alloc(16 * 1024 * 1024)])) },
  ];
}

/** Raw JSON texts no serializer would produce. */
export function brokenJsonTexts(): Buffer[] {
  const deep = 100_000;
  return [
    Buffer.from(`${'['.repeat(deep)}${']'.repeat(deep)}`),
    Buffer.from(`${'{"a":'.repeat(deep)}1${'}'.repeat(deep)}`),
    Buffer.from('{"pnl": 1e400, "quantity": -1e400}'),
    Buffer.from('{"a":1,"a":2,"__proto__":{"polluted":true}}'),
    Buffer.from('{"unterminated": "'),
    Buffer.from('null'),
    Buffer.from('[]'),
    Buffer.from('"just a string"'),
    Buffer.from('12345678901234567890123456789'),
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0xaf, 0x22, 0x7d]),
    Buffer.from('\ufeff{"a":1}'),
    Buffer.from(''),
    Buffer.from(' \n\t '),
  ];
}

/** A multipart/form-data body with exact control of each part's headers. */
export function multipartBody(parts: { name: string; filename?: string; contentType?: string; data: Buffer | string; rawDisposition?: string }[], boundary = 'fuzzBoundary7MA4YWxkTrZu0gW'): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = part.rawDisposition ?? `form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}`;
    const head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${part.contentType ? `Content-Type: ${part.contentType}\r\n` : ''}\r\n`;
    chunks.push(Buffer.from(head, 'utf8'), Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data, 'utf8'), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export const FILLS_CSV = ['Account,Symbol,Side,Qty,Price,Time,Commission', 'U1,MSFT,Buy,10,400,2026-03-03 10:00:00,1', 'U1,MSFT,Sell,10,401,2026-03-03 10:30:00,1'].join('\n');
