import express from 'express';
import { readMultipartForm, readMultipartUpload } from './multipart';
import { errorHandler } from './problem';
import { listenOnLoopback, type Listening } from '../testing/listen';

let listening: Listening;
let base: string;

beforeAll(async () => {
  const app = express();
  const options = { maxBodyBytes: 1024 * 1024, names: ['note', 'file'], maxParts: 3, maxFieldBytes: 1024 };
  // Reads every part (or, with ?skip, leaves the files unread) and answers what arrived and the form's fingerprint.
  app.post('/form', async (req, res, next) => {
    try {
      const form = readMultipartForm(req, options);
      const parts: unknown[] = [];
      for (let part = await form.nextPart(); part; part = await form.nextPart()) {
        if (part.kind === 'field') parts.push([part.name, part.value]);
        else if (req.query['skip'] !== undefined) parts.push([part.name, part.filename]);
        else {
          let size = 0;
          for await (const chunk of part.chunks) size += chunk.length;
          parts.push([part.name, part.filename, part.mimeType, size]);
        }
      }
      res.json({ parts, digest: await form.finished() });
    } catch (error) {
      next(error);
    }
  });
  app.post('/upload', async (req, res, next) => {
    try {
      const upload = await readMultipartUpload(req, { fileField: 'file', maxFileBytes: 1024, fieldNames: ['format', 'timezone', 'account', 'mapping'] });
      let size = 0;
      for await (const chunk of upload.file.stream) size += chunk.length;
      await upload.finished();
      res.json({ fields: upload.fields, size, late: upload.lateFields() });
    } catch (error) {
      next(error);
    }
  });
  app.use(errorHandler);
  listening = await listenOnLoopback(app);
  base = listening.base;
});

afterAll(async () => {
  await listening.close();
});

function form(entries: Array<[string, string] | [string, Uint8Array, string]>): FormData {
  const data = new FormData();
  for (const [name, value, filename] of entries) {
    if (typeof value === 'string') data.append(name, value);
    else data.append(name, new Blob([value], { type: 'image/png' }), filename);
  }
  return data;
}

const post = async (path: string, body: FormData) => {
  const res = await fetch(`${base}${path}`, { method: 'POST', body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('readMultipartForm', () => {
  const bytes = new Uint8Array(200_000).fill(7);

  it('hands over the parts in order, files as streams, and fingerprints the parts rather than the framing', async () => {
    // FormData picks a new boundary for each send: the raw bodies differ, the forms do not.
    const first = await post('/form', form([['note', 'hello'], ['file', bytes, 'a.png']]));
    const second = await post('/form', form([['note', 'hello'], ['file', bytes, 'a.png']]));
    const otherName = await post('/form', form([['note', 'hello'], ['file', bytes, 'b.png']]));
    const otherByte = await post('/form', form([['note', 'hello'], ['file', Uint8Array.from(bytes, (b, i) => (i === 199_999 ? 8 : b)), 'a.png']]));

    expect(first).toEqual({ status: 200, body: { parts: [['note', 'hello'], ['file', 'a.png', 'image/png', 200_000]], digest: expect.stringMatching(/^multipart:[0-9a-f]{64}$/) } });
    expect(second.body['digest']).toBe(first.body['digest']);
    expect(otherName.body['digest']).not.toBe(first.body['digest']);
    expect(otherByte.body['digest']).not.toBe(first.body['digest']);
  });

  it('skips a file left unread, and fingerprints it all the same', async () => {
    const read = await post('/form', form([['file', bytes, 'a.png'], ['note', 'after']]));
    const skipped = await post('/form?skip', form([['file', bytes, 'a.png'], ['note', 'after']]));

    expect(skipped.body['parts']).toEqual([['file', 'a.png'], ['note', 'after']]);
    expect(skipped.body['digest']).toBe(read.body['digest']);
  });

  it('takes exactly maxParts parts and refuses one more, and an unknown name', async () => {
    const three = await post('/form', form([['note', 'a'], ['note', 'b'], ['note', 'c']]));
    const four = await post('/form', form([['note', 'a'], ['note', 'b'], ['note', 'c'], ['note', 'd']]));
    const unknown = await post('/form', form([['other', 'x']]));

    expect(three.status).toBe(200);
    expect(four).toMatchObject({ status: 400, body: { code: 'BODY.TOO_MANY_FIELDS' } });
    expect(unknown).toMatchObject({ status: 400, body: { code: 'BODY.UNKNOWN_FIELD' } });
  });
});

describe('readMultipartUpload', () => {
  it('takes every field it names and the file', async () => {
    const res = await post('/upload', form([['format', 'generic'], ['timezone', 'UTC'], ['account', 'U1'], ['mapping', '{}'], ['file', new Uint8Array(10), 'f.csv']]));

    expect(res).toEqual({ status: 200, body: { fields: { format: 'generic', timezone: 'UTC', account: 'U1', mapping: '{}' }, size: 10, late: [] } });
  });

  it('names the fields that came after the file, keeping only those before it', async () => {
    const res = await post('/upload', form([['format', 'generic'], ['file', new Uint8Array(3), 'f.csv'], ['timezone', 'UTC']]));

    expect(res).toEqual({ status: 200, body: { fields: { format: 'generic' }, size: 3, late: ['timezone'] } });
  });

  it.each([
    ['no file', [['format', 'generic']], 400, 'IMPORT.FILE_MISSING'],
    ['a file one byte over its limit', [['file', new Uint8Array(1025), 'f.csv']], 413, 'BODY.FILE_TOO_LARGE'],
    ['a second file', [['file', new Uint8Array(3), 'f.csv'], ['file', new Uint8Array(3), 'g.csv']], 400, 'BODY.UNEXPECTED_FILE'],
    ['a file in a text field', [['format', new Uint8Array(3), 'f.csv']], 400, 'BODY.UNEXPECTED_FILE'],
    ['text in the file field', [['file', 'a,b']], 400, 'BODY.UNKNOWN_FIELD'],
    ['text in the file field, longer than a field may be', [['file', 'a,b\n'.repeat(20_000)]], 400, 'BODY.UNKNOWN_FIELD'],
    ['a file under an unknown name', [['upload', new Uint8Array(3), 'f.csv']], 400, 'BODY.UNEXPECTED_FILE'],
    ['more text fields than it names, and no file', [['format', 'a'], ['format', 'b'], ['format', 'c'], ['format', 'd'], ['format', 'e']], 400, 'BODY.TOO_MANY_FIELDS'],
    ['an unknown field after the file', [['file', new Uint8Array(3), 'f.csv'], ['colour', 'red']], 400, 'BODY.UNKNOWN_FIELD'],
    ['an unknown field', [['colour', 'red'], ['file', new Uint8Array(3), 'f.csv']], 400, 'BODY.UNKNOWN_FIELD'],
    ['a field longer than 64 KB', [['mapping', 'x'.repeat(64 * 1024 + 1)], ['file', new Uint8Array(3), 'f.csv']], 400, 'BODY.FIELD_TOO_LARGE'],
    ['more parts than fields and a file', [['format', 'a'], ['timezone', 'UTC'], ['account', 'U'], ['mapping', '{}'], ['format', 'b'], ['file', new Uint8Array(3), 'f.csv']], 400, 'BODY.TOO_MANY_FIELDS'],
  ] as Array<[string, Array<[string, string] | [string, Uint8Array, string]>, number, string]>)('refuses %s', async (_name, entries, status, code) => {
    const res = await post('/upload', form(entries));

    expect(res).toMatchObject({ status, body: { code } });
  });

  it('leaves the connection usable after a refusal', async () => {
    expect((await post('/upload', form([['file', new Uint8Array(5000), 'f.csv']]))).status).toBe(413);
    expect((await post('/upload', form([['file', new Uint8Array(3), 'f.csv']]))).status).toBe(200);
  });
});
