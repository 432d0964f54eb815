import { randomBytes } from 'node:crypto';
import type { OAuth2Client } from 'google-auth-library';
import { UpstreamError } from '../../errors';
import { startGoogleStandIn, type GoogleStandIn } from '../../testing/google/google-standin';
import { expiredStandInClient, standInAuthProvider } from '../../testing/google/standin-auth';
import { pngBytes } from '../../testing/media-samples';
import { DriveMediaStore, RESUMABLE_THRESHOLD_BYTES, UPLOAD_PIECE_BYTES } from './drive-media-store';

const alice = { sub: '100000000000000000001', email: 'alice@example.com' };
const bob = { sub: '100000000000000000002', email: 'bob@example.com' };

const image = (data: Uint8Array = pngBytes()) => ({ filename: 'chart.png', mimeType: 'image/png', data });

describe('DriveMediaStore against the Drive stand-in', () => {
  let standIn: GoogleStandIn;
  /** Every URL any client fetched: nothing may leave for Google's hosts. */
  const fetched: string[] = [];
  const recordingFetch: typeof fetch = (input, init) => {
    fetched.push(input instanceof Request ? input.url : String(input));
    return fetch(input, init);
  };
  let clients: Record<string, OAuth2Client>;
  let refreshTokens: Record<string, string>;

  const store = (rootFolderId?: string) =>
    new DriveMediaStore({
      auth: standInAuthProvider(clients),
      endpoints: { apiRootUrl: standIn.url, fetch: recordingFetch },
      ...(rootFolderId ? { rootFolderId } : {}),
    });
  const callsSince = (mark: number) => standIn.calls.slice(mark).map((c) => `${c.method} ${c.path}`);

  beforeAll(async () => {
    standIn = await startGoogleStandIn();
  });
  beforeEach(() => {
    const forAlice = expiredStandInClient(standIn, alice, recordingFetch);
    const forBob = expiredStandInClient(standIn, bob, recordingFetch);
    clients = { alice: forAlice.client, bob: forBob.client };
    refreshTokens = { alice: forAlice.refreshToken, bob: forBob.refreshToken };
  });
  afterAll(async () => {
    await standIn.close();
    expect(fetched.length).toBeGreaterThan(0);
    expect(fetched.filter((url) => !url.startsWith(standIn.url))).toEqual([]);
  });

  it('is named google-drive and ready without calling Google', async () => {
    const mark = standIn.calls.length;

    await store().ready();

    expect(store().name).toBe('google-drive');
    expect(standIn.calls.length).toBe(mark);
  });

  it('uploads a small file in one multipart request, after refreshing the expired token, and reads it back', async () => {
    const mark = standIn.calls.length;
    const drive = store();

    const stored = await drive.put('alice', image());
    const uploadCalls = standIn.calls.slice(mark);
    const read = await drive.get('alice', stored.id);

    expect(stored).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{10,}$/),
      filename: 'chart.png',
      mimeType: 'image/png',
      size: pngBytes().byteLength,
      link: `https://drive.google.com/file/d/${stored.id}/view?usp=drivesdk`,
      created: true,
    });
    expect(uploadCalls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /token', 'POST /upload/drive/v3/files']);
    expect(uploadCalls[1]).toMatchObject({ query: { uploadType: 'multipart', fields: 'id,name,mimeType,size,webViewLink' }, account: alice.sub });
    expect(read).toMatchObject({ id: stored.id, filename: 'chart.png', mimeType: 'image/png', size: stored.size });
    expect(Buffer.from(read?.data ?? [])).toEqual(pngBytes());
    // Private: no permission was ever granted, so the link opens only for the trader.
    expect(standIn.calls.filter((c) => c.path.includes('/permissions'))).toEqual([]);
  });

  it('uploads a file over 5 MB through a resumable session and reads back identical bytes', async () => {
    const big = new Uint8Array(randomBytes(RESUMABLE_THRESHOLD_BYTES + 123_457));
    const drive = store();
    await drive.ready();
    const mark = standIn.calls.length;

    const stored = await drive.put('alice', { filename: 'session.mp4', mimeType: 'video/mp4', data: big });
    const uploadCalls = standIn.calls.slice(mark);
    const read = await drive.get('alice', stored.id);

    expect(uploadCalls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /token', 'POST /upload/drive/v3/files', 'PUT /upload/drive/v3/files']);
    expect(uploadCalls[1]?.query).toMatchObject({ uploadType: 'resumable' });
    expect(uploadCalls[2]?.query).toMatchObject({ upload_id: expect.any(String) });
    expect(stored).toMatchObject({ size: big.byteLength, mimeType: 'video/mp4', created: true });
    expect(standIn.driveFile(stored.id)?.data.equals(big)).toBe(true);
    // Buffer.equals, not toEqual: jest's element-by-element diff of 5 MB takes seconds.
    expect(Buffer.from(read?.data ?? []).equals(big)).toBe(true);
  });

  describe('streamed puts', () => {
    async function* chunksOf(bytes: Uint8Array, size: number, failAfter?: number): AsyncGenerator<Uint8Array> {
      for (let start = 0; start < bytes.byteLength; start += size) {
        if (failAfter !== undefined && start >= failAfter) throw new Error('client went away');
        yield bytes.subarray(start, start + size);
      }
    }

    it('sends a stream that ends within 5 MB as one multipart request', async () => {
      const drive = store();
      await drive.ready();
      const mark = standIn.calls.length;

      const stored = await drive.put('alice', { filename: 'chart.png', mimeType: 'image/png', chunks: chunksOf(pngBytes(), 7) });

      expect(callsSince(mark)).toEqual(['POST /token', 'POST /upload/drive/v3/files']);
      expect(stored).toMatchObject({ size: pngBytes().byteLength, created: true });
      expect(standIn.driveFile(stored.id)?.data.equals(pngBytes())).toBe(true);
    });

    it('sends a longer stream in 5 MB pieces of one resumable session, the last stating the total', async () => {
      // Two whole pieces and a bit: odd chunk sizes, so pieces are cut across chunks.
      const big = new Uint8Array(randomBytes(2 * UPLOAD_PIECE_BYTES + 70_001));
      const drive = store();
      await drive.ready();
      const mark = standIn.calls.length;

      const stored = await drive.put('alice', { filename: 'session.mp4', mimeType: 'video/mp4', chunks: chunksOf(big, 65_519) });

      expect(callsSince(mark)).toEqual(['POST /token', 'POST /upload/drive/v3/files', 'PUT /upload/drive/v3/files', 'PUT /upload/drive/v3/files', 'PUT /upload/drive/v3/files']);
      expect(standIn.calls.slice(mark + 2).map((c) => c.status)).toEqual([308, 308, 200]);
      expect(stored).toMatchObject({ size: big.byteLength, mimeType: 'video/mp4', created: true });
      expect(standIn.driveFile(stored.id)?.data.equals(big)).toBe(true);
    });

    it('makes no file when the stream fails after a piece has gone', async () => {
      const big = new Uint8Array(randomBytes(UPLOAD_PIECE_BYTES + 300_000));
      const drive = store();
      await drive.ready();
      const files = standIn.driveFiles(alice).length;

      const attempt = drive.put('alice', { filename: 'cut.mp4', mimeType: 'video/mp4', chunks: chunksOf(big, 100_000, UPLOAD_PIECE_BYTES + 200_000) });

      await expect(attempt).rejects.toThrow('client went away');
      expect(standIn.driveFiles(alice)).toHaveLength(files);
    });
  });

  it('puts files into the configured root folder', async () => {
    const folder = standIn.createFolder(alice, 'Pecunia');

    const stored = await store(folder).put('alice', image());

    expect(standIn.driveFile(stored.id)).toMatchObject({ parents: [folder], owner: alice.sub });
  });

  it('reports a root folder the account cannot see as a configuration problem', async () => {
    const bobsFolder = standIn.createFolder(bob, 'Not yours');

    const attempt = store(bobsFolder).put('alice', image());

    await expect(attempt).rejects.toMatchObject({ code: 'MEDIA.FOLDER_NOT_FOUND' });
  });

  it('answers null for another account’s file, a missing id and a malformed id (the last without a call)', async () => {
    const drive = store();
    const alicesFile = await drive.put('alice', image());
    await drive.ready();

    const asBob = await drive.get('bob', alicesFile.id);
    const missing = await drive.get('alice', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    const mark = standIn.calls.length;
    const malformed = await drive.get('alice', '../../etc/passwd');

    expect([asBob, missing, malformed]).toEqual([null, null, null]);
    expect(standIn.calls.length).toBe(mark);
  });

  it('turns a 429 into a rate-limit error carrying Retry-After, after exactly one request', async () => {
    const drive = store();
    await drive.get('alice', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'); // token refreshed before the count starts
    standIn.failNext({ method: 'POST', pathPattern: '/upload/drive/v3/files', status: 429, headers: { 'Retry-After': '1' } });
    const mark = standIn.calls.length;

    const error = await drive.put('alice', image()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code: 'MEDIA.RATE_LIMITED', status: 503, retryAfterMs: 1000 });
    expect(callsSince(mark)).toEqual(['POST /upload/drive/v3/files']);
  });

  it('turns a 503 on download into an unavailable error with Retry-After as an HTTP date, without retrying', async () => {
    const drive = store();
    const stored = await drive.put('alice', image());
    const retryAt = new Date(Date.now() + 120_000).toUTCString();
    standIn.failNext({ method: 'GET', pathPattern: `/drive/v3/files/${stored.id}`, status: 503, headers: { 'Retry-After': retryAt } });
    const mark = standIn.calls.length;

    const error = await drive.get('alice', stored.id).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'MEDIA.UNAVAILABLE', status: 503 });
    expect((error as UpstreamError).retryAfterMs).toBeGreaterThan(100_000);
    expect(callsSince(mark)).toEqual([`GET /drive/v3/files/${stored.id}`]);
  });

  it('deletes the owner’s file, ignores a missing one and leaves another account’s alone', async () => {
    const drive = store();
    const mine = await drive.put('alice', image());
    const bobs = await drive.put('bob', image());

    await drive.delete('alice', mine.id);
    await drive.delete('alice', mine.id);
    await drive.delete('alice', bobs.id);

    expect(await drive.get('alice', mine.id)).toBeNull();
    expect(standIn.driveFile(mine.id)).toBeUndefined();
    expect(standIn.driveFile(bobs.id)).toBeDefined();
  });

  it('refreshes once when Google refuses a token the client still thought valid', async () => {
    const drive = store();
    await drive.put('alice', image());
    standIn.expireAccessTokens();
    const mark = standIn.calls.length;

    const stored = await drive.put('alice', image());

    expect(stored.created).toBe(true);
    expect(callsSince(mark)).toEqual(['POST /upload/drive/v3/files', 'POST /token', 'POST /upload/drive/v3/files']);
  });

  it('hands over the provider’s reconnect error when the grant was revoked, not a 502', async () => {
    const drive = store();
    await drive.put('alice', image());
    standIn.revokeRefreshToken(refreshTokens.alice ?? '');

    const error = await drive.put('alice', image()).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'OAUTH.RECONNECT_REQUIRED', status: 401, name: 'UnauthorizedError' });
  });
});
