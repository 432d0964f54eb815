// Loopback stand-in for Google (OAuth token endpoint, userinfo, Drive v3, Sheets v4) for tests of the real clients.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DriveState, type DriveFile } from './standin-drive';
import { GoogleHttpError, googleErrorBody, json, readBody, send, type Reply, type StandInRequest } from './standin-http';
import { OAuthError, OAuthState, type GoogleAccount } from './standin-oauth';
import { SheetsState, type SheetCell } from './standin-sheets';

export type { GoogleAccount, DriveFile, SheetCell };

/** One request as it reached the stand-in; `account` is the `sub` behind its bearer token, when it had a known one. */
export interface StandInCall {
  method: string;
  /** Percent-decoded path, e.g. `/v4/spreadsheets/abc/values/'My tab'!A1:append`. */
  path: string;
  query: Record<string, string>;
  account?: string;
  /** Status answered (0 when the connection was dropped). */
  status?: number;
}

/** A failure served instead of (or after) the real handling of matching requests. */
export interface StandInFault {
  method?: string;
  /** Matched against the decoded path: a substring, or a RegExp. */
  pathPattern: string | RegExp;
  /** Default 503. */
  status?: number;
  headers?: Record<string, string>;
  /** Default: Google's error body for the status. */
  body?: unknown;
  /** How many matching requests fail; default 1. */
  times?: number;
  /** Handle the request first (its effect stays), then answer the fault: a write whose outcome the client cannot know. */
  applied?: boolean;
  /** Close the connection without answering (a network error) instead of sending a status. */
  dropConnection?: boolean;
  /**
   * Slow instead of failing: hold the request this long, then handle it normally (no status is served). Beyond the
   * client's timeout when one is configured, this is a request that times out.
   */
  delayMs?: number;
}

export interface GoogleStandInOptions {
  clientId?: string;
  clientSecret?: string;
}

export interface GoogleStandIn {
  /** Root of Drive, Sheets and userinfo, with a trailing slash (`GOOGLE_API_ROOT_URL`). */
  readonly url: string;
  readonly tokenUrl: string;
  readonly revokeUrl: string;
  /** Consent page URL to build authorization links with; nothing serves it (no browser runs in tests). */
  readonly authUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Every request received, in order. */
  readonly calls: StandInCall[];
  registerCode(code: string, account: GoogleAccount, options?: { scopes?: readonly string[]; redirectUri?: string }): void;
  /** Tokens as if `account` had connected before; the access token is valid until `expireAccessTokens`. */
  grantTokens(account: GoogleAccount, scopes?: readonly string[]): { accessToken: string; refreshToken: string };
  revokeRefreshToken(refreshToken: string): void;
  /** Every access and refresh token issued so far (to check none is stored or logged in the clear). */
  issuedTokens(): string[];
  expireAccessTokens(): void;
  failNext(fault: StandInFault): void;
  createSpreadsheet(account: GoogleAccount, options?: { title?: string; tabs?: Record<string, SheetCell[][]> }): string;
  shareSpreadsheet(spreadsheetId: string, account: GoogleAccount): void;
  /** A tab's stored cells (formulas as `{formula}`), or undefined when the spreadsheet or tab does not exist. */
  tabRows(spreadsheetId: string, tab: string): SheetCell[][] | undefined;
  createFolder(account: GoogleAccount, name: string): string;
  driveFile(id: string): DriveFile | undefined;
  /** Every Drive file (folders included) an account owns, to look for orphans after a failed write. */
  driveFiles(account: GoogleAccount): DriveFile[];
  close(): Promise<void>;
}

class StandIn implements GoogleStandIn {
  readonly calls: StandInCall[] = [];
  readonly tokenUrl: string;
  readonly revokeUrl: string;
  readonly authUrl: string;
  private readonly oauth: OAuthState;
  private readonly drive = new DriveState();
  private readonly sheets = new SheetsState();
  private readonly faults: (StandInFault & { left: number })[] = [];

  constructor(
    private readonly server: Server,
    readonly url: string,
    options: GoogleStandInOptions,
  ) {
    this.oauth = new OAuthState(options.clientId ?? 'standin-client-id.apps.googleusercontent.com', options.clientSecret ?? 'standin-client-secret');
    this.tokenUrl = `${url}token`;
    this.revokeUrl = `${url}revoke`;
    this.authUrl = `${url}o/oauth2/v2/auth`;
  }

  get clientId(): string {
    return this.oauth.clientId;
  }

  get clientSecret(): string {
    return this.oauth.clientSecret;
  }

  registerCode(code: string, account: GoogleAccount, options?: { scopes?: readonly string[]; redirectUri?: string }): void {
    this.oauth.registerCode(code, account, options);
  }

  grantTokens(account: GoogleAccount, scopes?: readonly string[]): { accessToken: string; refreshToken: string } {
    return this.oauth.grantTokens(account, scopes);
  }

  issuedTokens(): string[] {
    return this.oauth.issuedTokens();
  }

  revokeRefreshToken(refreshToken: string): void {
    this.oauth.revokeRefreshToken(refreshToken);
  }

  expireAccessTokens(): void {
    this.oauth.expireAccessTokens();
  }

  failNext(fault: StandInFault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  createSpreadsheet(account: GoogleAccount, options: { title?: string; tabs?: Record<string, SheetCell[][]> } = {}): string {
    return this.sheets.create(account.sub, options.title ?? 'Trading journal', options.tabs ?? { Sheet1: [] });
  }

  shareSpreadsheet(spreadsheetId: string, account: GoogleAccount): void {
    this.sheets.spreadsheets.get(spreadsheetId)?.sharedWith.add(account.sub);
  }

  tabRows(spreadsheetId: string, tab: string): SheetCell[][] | undefined {
    const rows = this.sheets.spreadsheets.get(spreadsheetId)?.tabs.find((t) => t.title === tab)?.rows;
    return rows?.map((row) => [...row]);
  }

  createFolder(account: GoogleAccount, name: string): string {
    return this.drive.createFolder(account.sub, name);
  }

  driveFile(id: string): DriveFile | undefined {
    return this.drive.files.get(id);
  }

  driveFiles(account: GoogleAccount): DriveFile[] {
    return [...this.drive.files.values()].filter((file) => file.owner === account.sub);
  }

  async close(): Promise<void> {
    // Keep-alive sockets of the clients would hold `close` (and jest) open.
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const path = safeDecode(url.pathname);
    const call: StandInCall = { method, path, query: Object.fromEntries(url.searchParams) };
    const account = this.oauth.peek(req)?.account.sub;
    if (account !== undefined) call.account = account;
    this.calls.push(call);
    let reply: Reply;
    try {
      const body = await readBody(req);
      const fault = this.takeFault(method, path);
      if (fault?.delayMs !== undefined) {
        await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        if (res.destroyed) return;
      }
      if (fault && fault.delayMs === undefined && !fault.applied) return this.serveFault(req, res, fault, call);
      reply = this.route({ req, method, path, rawPath: url.pathname, query: url.searchParams, body, baseUrl: this.url });
      if (fault && fault.delayMs === undefined) return this.serveFault(req, res, fault, call);
    } catch (error) {
      reply = errorReply(error);
    }
    call.status = reply.status;
    send(res, reply);
  }

  private route(request: StandInRequest): Reply {
    const { method, path } = request;
    if (method === 'POST' && path === '/token') return json(200, this.oauth.exchange(request.req, request.body), { 'cache-control': 'no-store' });
    if (method === 'POST' && path === '/revoke') {
      this.oauth.revoke(request.query, request.body);
      return json(200, {});
    }
    if (method === 'GET' && path === '/oauth2/v3/userinfo') return this.userinfo(request);
    const access = () => this.oauth.authenticate(request.req);
    const reply = this.drive.handle(request, access) ?? this.sheets.handle(request, access);
    if (reply) return reply;
    // Unknown routes still authenticate first, like Google's front end.
    access();
    throw new GoogleHttpError(404, `Method not found: ${method} ${path}`);
  }

  /** Userinfo answers a bad token with OAuth's small error body, not the API error body. */
  private userinfo(request: StandInRequest): Reply {
    try {
      const { account } = this.oauth.authenticate(request.req);
      return json(200, { sub: account.sub, email: account.email, email_verified: true });
    } catch {
      return json(401, { error: 'invalid_request', error_description: 'Invalid Credentials' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
  }

  private takeFault(method: string, path: string): StandInFault | undefined {
    const index = this.faults.findIndex(
      (f) =>
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (typeof f.pathPattern === 'string' ? path.includes(f.pathPattern) : f.pathPattern.test(path)),
    );
    const fault = this.faults[index];
    if (!fault) return undefined;
    fault.left -= 1;
    if (fault.left <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private serveFault(req: IncomingMessage, res: ServerResponse, fault: StandInFault, call: StandInCall): void {
    if (fault.dropConnection) {
      call.status = 0;
      req.socket.destroy();
      return;
    }
    const status = fault.status ?? 503;
    call.status = status;
    send(res, json(status, fault.body ?? googleErrorBody(status, FAULT_MESSAGES[status] ?? 'The service is currently unavailable.'), fault.headers));
  }
}

const FAULT_MESSAGES: Record<number, string> = {
  429: "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute per user'.",
  500: 'Internal error encountered.',
  503: 'The service is currently unavailable.',
};

function errorReply(error: unknown): Reply {
  if (error instanceof GoogleHttpError) return json(error.status, googleErrorBody(error.status, error.message, error.reason), error.headers);
  if (error instanceof OAuthError) return json(error.status, { error: error.error, error_description: error.description });
  return json(500, googleErrorBody(500, `Internal error encountered. (${error instanceof Error ? error.message : String(error)})`));
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export async function startGoogleStandIn(options: GoogleStandInOptions = {}): Promise<GoogleStandIn> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const standIn = new StandIn(server, `http://127.0.0.1:${port}/`, options);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    standIn.serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, errorReply(error));
    });
  });
  return standIn;
}
