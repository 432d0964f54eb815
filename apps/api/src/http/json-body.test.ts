import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { bodyDigest } from './body-digest';
import { KEEP_AS_BYTES_FROM, keptBytes, readJsonBody } from './json-body';

/** A request whose body is `text`, sent in pieces, with the headers given. */
function request(text: string | Buffer, headers: Record<string, string> = {}): IncomingMessage {
  const bytes = Buffer.from(text);
  const pieces = Array.from({ length: Math.ceil(bytes.length / 1000) }, (_, i) => bytes.subarray(i * 1000, (i + 1) * 1000));
  return Object.assign(Readable.from(pieces), { headers: { 'content-type': 'application/json', ...headers } }) as unknown as IncomingMessage;
}

const ATTACHMENT_DATA = [['attachments', '*', 'data']];
const long = 'QUJD'.repeat(KEEP_AS_BYTES_FROM / 4);

describe('readJsonBody', () => {
  it('parses a body, from pieces, into the value JSON.parse gives', async () => {
    const value = { ticker: 'AAPL', tags: ['a', 'b'], nested: { n: 1.5, s: 'é\u2028"' } };
    await expect(readJsonBody(request(JSON.stringify(value)), { maxBytes: 1024 })).resolves.toEqual(value);
  });

  it('keeps long strings at the paths asked for as bytes of the body, and only those', async () => {
    const body = { attachments: [{ data: 'short' }, { data: long, filename: long }], data: long, other: [{ data: long }] };
    const req = request(JSON.stringify(body));

    const parsed = (await readJsonBody(req, { maxBytes: 10 * KEEP_AS_BYTES_FROM, keepAsBytes: ATTACHMENT_DATA })) as typeof body;

    expect(parsed.attachments[0]!.data).toBe('short');
    expect(parsed.attachments[1]!.data).not.toBe(long);
    expect(Buffer.from(keptBytes(req, parsed.attachments[1]!.data)!).toString('latin1')).toBe(long);
    expect([parsed.attachments[1]!.filename, parsed.data, parsed.other[0]!.data]).toEqual([long, long, long]);
    expect(keptBytes(req, parsed.data)).toBeUndefined();
    expect(keptBytes(request('{}'), parsed.attachments[1]!.data)).toBeUndefined();
  });

  it.each([
    ['with an escape in it', `${long}\\/x`, `${long}/x`],
    ['with non-ASCII text', `${long}é`, `${long}é`],
  ])('parses a long string %s as usual', async (_name, literal, value) => {
    const req = request(`{"attachments":[{"data":"${literal}"}]}`);
    const parsed = (await readJsonBody(req, { maxBytes: 10 * KEEP_AS_BYTES_FROM, keepAsBytes: ATTACHMENT_DATA })) as { attachments: Array<{ data: string }> };
    expect(parsed.attachments[0]!.data).toBe(value);
  });

  it.each([
    ['a control character inside a long string', `{"attachments":[{"data":"${long}\n"}]}`],
    ['a long string never closed', `{"attachments":[{"data":"${long}`],
    ['a long string followed by garbage', `{"attachments":[{"data":"${long}"}]}x`],
    ['a bare string', `"${long}"`],
    ['only spaces', '   '],
  ])('refuses %s as malformed, kept or not', async (_name, text) => {
    await expect(readJsonBody(request(text), { maxBytes: 10 * KEEP_AS_BYTES_FROM, keepAsBytes: ATTACHMENT_DATA })).rejects.toMatchObject({ code: 'BODY.MALFORMED_JSON', status: 400 });
    await expect(readJsonBody(request(text), { maxBytes: 10 * KEEP_AS_BYTES_FROM })).rejects.toMatchObject({ code: 'BODY.MALFORMED_JSON', status: 400 });
  });

  it('hashes the bytes as received for an Idempotency-Key, before anything is kept', async () => {
    const text = JSON.stringify({ attachments: [{ data: long }] });
    const req = request(text, { 'idempotency-key': 'k' });

    await readJsonBody(req, { maxBytes: 10 * KEEP_AS_BYTES_FROM, keepAsBytes: ATTACHMENT_DATA });

    expect(bodyDigest(req)).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it.each([
    [{ 'content-type': 'application/json; charset=latin1' }, 'BODY.UNSUPPORTED_ENCODING', 415],
    [{}, 'BODY.TOO_LARGE', 413],
  ])('refuses %p with %s', async (headers, code, status) => {
    await expect(readJsonBody(request(JSON.stringify({ a: 'x'.repeat(5000) }), headers), { maxBytes: 4096 })).rejects.toMatchObject({ code, status });
  });

  it('answers {} for an empty body, as body-parser did', async () => {
    await expect(readJsonBody(request(''), { maxBytes: 10 })).resolves.toEqual({});
  });
});
