import { describePlan, loadConfig, modeOf, planAdapters } from './config';
import { ConfigError } from '../errors';

const problemsOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('runs every port locally when nothing is set', () => {
    const config = loadConfig({}, 'api');

    expect(config.adapters).toEqual({
      journal: 'local',
      media: 'local',
      apiKeys: 'local',
      jobs: 'local',
      tokens: 'local',
      nonces: 'local',
      idempotency: 'local',
      schedules: 'local',
      shareLinks: 'local',
      queue: 'local',
      extractor: 'local',
      coach: 'local',
      transcriber: 'none',
      imageAnalyst: 'none',
      researcher: 'none',
    });
    expect(config.env).toMatchObject({ APP_ENV: 'development', DATA_DIR: './.data', ANALYSIS_MAX_RECEIVE_COUNT: 3, WORKER_ENABLED: true });
    expect(modeOf(config.adapters)).toBe('local');
  });

  it('defaults APP_ENV by entry point: a Lambda is a deployment', () => {
    expect(() => loadConfig({}, 'lambda')).toThrow(ConfigError);
    expect(loadConfig({ APP_ENV: 'test' }, 'cli').env.APP_ENV).toBe('test');
    expect(loadConfig({}, 'cli').env.APP_ENV).toBe('development');
  });

  it('lists invalid values and unworkable choices in one error, one line each', () => {
    const problems = problemsOf(() =>
      loadConfig({ PORT: 'eighty', WORKER_ENABLED: 'maybe', ANALYSIS_MAX_RECEIVE_COUNT: '0', DEFAULT_TIMEZONE: 'Mars/Base', DYNAMODB_TABLE_NAME: 't', AWS_REGION: 'eu-west-1', SHARE_LINK_SECRET: 's'.repeat(32) }, 'api'),
    );

    expect(problems).toEqual([
      expect.stringMatching(/^PORT: /),
      expect.stringMatching(/^DEFAULT_TIMEZONE: must be an IANA time zone/),
      expect.stringMatching(/^WORKER_ENABLED: must be true or false/),
      expect.stringMatching(/^ANALYSIS_MAX_RECEIVE_COUNT: /),
    ]);
  });

  it('defaults the abuse controls: body limit from the attachment rules, timeouts, quotas, no proxy, no CORS origin', () => {
    const { env } = loadConfig({}, 'api');

    // 10 attachments of 15 MiB as base64 (20 MiB each) and 1 MiB of JSON.
    expect(env.MAX_BODY_MB).toBe(201);
    expect(env).toMatchObject({
      HTTP_REQUEST_TIMEOUT_SECONDS: 300,
      HTTP_HEADERS_TIMEOUT_SECONDS: 20,
      HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: 65,
      IDEMPOTENCY_LEASE_SECONDS: 600,
      RATE_LIMIT_PER_MINUTE: 600,
      RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: 60,
      ANALYSIS_MAX_QUEUED_PER_USER: 20,
      TRUST_PROXY: false,
      CORS_ORIGINS: [],
    });
  });

  it('reads TRUST_PROXY as off, a hop count or proxy addresses, and refuses true', () => {
    const trust = (value: string) => loadConfig({ TRUST_PROXY: value }, 'api').env.TRUST_PROXY;
    expect(trust('0')).toBe(false);
    expect(trust('false')).toBe(false);
    expect(trust('1')).toBe(1);
    expect(trust('loopback, 10.0.0.0/8')).toEqual(['loopback', '10.0.0.0/8']);
    expect(problemsOf(() => trust('true'))).toEqual([expect.stringMatching(/^TRUST_PROXY: true would trust any X-Forwarded-For/)]);
    expect(problemsOf(() => trust('proxy.example.com'))).toEqual([expect.stringMatching(/^TRUST_PROXY: .*not proxy\.example\.com/)]);
  });

  it('reads CORS_ORIGINS as exact origins, refusing a wildcard or a path', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173/' }, 'api').env.CORS_ORIGINS).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(problemsOf(() => loadConfig({ CORS_ORIGINS: '*,https://a.example.com/app' }, 'api'))).toEqual([
      expect.stringMatching(/^CORS_ORIGINS: \* is not allowed/),
      expect.stringMatching(/^CORS_ORIGINS: https:\/\/a\.example\.com\/app is not an origin/),
    ]);
  });

  it('keeps the idempotency lease at least twice the request timeout, and headers within the request, in one message each', () => {
    expect(loadConfig({ HTTP_REQUEST_TIMEOUT_SECONDS: '60', IDEMPOTENCY_LEASE_SECONDS: '120' }, 'api').env.IDEMPOTENCY_LEASE_SECONDS).toBe(120);

    const problems = problemsOf(() => loadConfig({ HTTP_REQUEST_TIMEOUT_SECONDS: '30', IDEMPOTENCY_LEASE_SECONDS: '59', HTTP_HEADERS_TIMEOUT_SECONDS: '31' }, 'api'));

    expect(problems).toEqual([
      expect.stringMatching(/^IDEMPOTENCY_LEASE_SECONDS: must be at least twice HTTP_REQUEST_TIMEOUT_SECONDS \(30 s\).*set it to 60 or more/),
      expect.stringMatching(/^HTTP_HEADERS_TIMEOUT_SECONDS: must not exceed HTTP_REQUEST_TIMEOUT_SECONDS/),
    ]);
  });

  it('reads extra futures point values, and lists every bad entry at once', () => {
    expect(loadConfig({ IMPORT_CONTRACT_MULTIPLIERS: 'zq=4167, FOO=12.5' }, 'api').env.IMPORT_CONTRACT_MULTIPLIERS).toEqual({ ZQ: 4167, FOO: 12.5 });

    const problems = problemsOf(() => loadConfig({ IMPORT_CONTRACT_MULTIPLIERS: 'ES=fifty,NQ,=3' }, 'api'));

    expect(problems).toEqual([
      expect.stringMatching(/^IMPORT_CONTRACT_MULTIPLIERS: "ES=fifty": the point value must be a number/),
      expect.stringMatching(/^IMPORT_CONTRACT_MULTIPLIERS: "NQ" has no "="/),
      expect.stringMatching(/^IMPORT_CONTRACT_MULTIPLIERS: "=3": the root must be/),
    ]);
  });

  it('derives each port from the variables that are set, whatever else is invalid', () => {
    expect(planAdapters({ DYNAMODB_TABLE_NAME: 'pecunia' })).toMatchObject({ jobs: 'aws', apiKeys: 'aws', tokens: 'aws', idempotency: 'aws', queue: 'local', journal: 'local' });
    expect(planAdapters({ ANALYSIS_QUEUE_URL: 'http://localhost:4566/000000000000/q' })).toMatchObject({ queue: 'aws', jobs: 'local' });
    expect(planAdapters({ GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'secret' })).toMatchObject({ journal: 'google', media: 'google', jobs: 'local' });
    expect(planAdapters({ GEMINI_API_KEY: 'k', SERPAPI_API_KEY: ' ' })).toMatchObject({ extractor: 'gemini', coach: 'gemini', transcriber: 'gemini', imageAnalyst: 'gemini', researcher: 'none' });
    expect(modeOf(planAdapters({ GEMINI_API_KEY: 'k', DYNAMODB_TABLE_NAME: 't' }))).toBe('aws+gemini');
    // AWS state and queue with the local journal: legal on a host that also runs the SQS worker.
    const aws = { DYNAMODB_TABLE_NAME: 't', AWS_REGION: 'eu-west-1', ANALYSIS_QUEUE_URL: 'http://127.0.0.1:5000/000000000000/q', SHARE_LINK_SECRET: 's'.repeat(32) };
    expect(loadConfig(aws, 'api').adapters).toMatchObject({ jobs: 'aws', schedules: 'aws', queue: 'aws', journal: 'local', media: 'local' });
    expect(loadConfig(aws, 'worker').adapters.queue).toBe('aws');
    // The worker runs in the API by default only where nothing else drains the queue.
    expect(loadConfig(aws, 'api').env.WORKER_ENABLED).toBe(false);
    expect(loadConfig({ ...aws, WORKER_ENABLED: 'true' }, 'api').env.WORKER_ENABLED).toBe(true);
    expect(loadConfig({}, 'api').env.WORKER_ENABLED).toBe(true);
    expect(describePlan(planAdapters({}))).toMatch(/^journal=local media=local apiKeys=local .* researcher=none$/);
  });

  it('runs the in-process worker on a thread of its own unless ANALYSIS_WORKER says inline', () => {
    expect(loadConfig({}, 'api').env.ANALYSIS_WORKER).toBe('thread');
    expect(loadConfig({ ANALYSIS_WORKER: ' Inline ' }, 'api').env.ANALYSIS_WORKER).toBe('inline');
    expect(problemsOf(() => loadConfig({ ANALYSIS_WORKER: 'process' }, 'api'))).toEqual(['ANALYSIS_WORKER: must be thread or inline']);
  });

  it('asks for the Google redirect URI only where traders connect (the API)', () => {
    const google = { GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'secret' };
    expect(problemsOf(() => loadConfig(google, 'api'))).toContainEqual(
      'GOOGLE_REDIRECT_URI: required together with GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET for Google mode',
    );
    expect(loadConfig(google, 'cli').adapters).toMatchObject({ journal: 'google', media: 'google', tokens: 'local' });
    expect(problemsOf(() => loadConfig({ GOOGLE_CLIENT_ID: 'id' }, 'cli'))).toContainEqual(
      'GOOGLE_CLIENT_SECRET: required together with GOOGLE_CLIENT_ID for Google mode',
    );
  });

  it('needs SHARE_LINK_SECRET for an API whose share links are in DynamoDB, and checks each secret given', () => {
    const aws = { DYNAMODB_TABLE_NAME: 't', AWS_REGION: 'eu-west-1', ANALYSIS_QUEUE_URL: 'http://127.0.0.1:5000/000000000000/q' };

    expect(problemsOf(() => loadConfig(aws, 'api'))).toEqual([expect.stringMatching(/^SHARE_LINK_SECRET: required in AWS mode/)]);
    expect(loadConfig({ ...aws, SHARE_LINK_SECRET: `${'n'.repeat(32)}, ${'o'.repeat(40)}` }, 'api').env.SHARE_LINK_SECRET).toEqual(['n'.repeat(32), 'o'.repeat(40)]);
    // The Lambda and the operator commands serve no share link.
    expect(loadConfig(aws, 'worker').adapters.shareLinks).toBe('aws');
    expect(loadConfig(aws, 'cli').env.SHARE_LINK_SECRET).toBeUndefined();
    expect(problemsOf(() => loadConfig({ SHARE_LINK_SECRET: `${'n'.repeat(32)},short` }, 'api'))).toEqual(['SHARE_LINK_SECRET (item 2): must be at least 32 characters (each, when several are given)']);
  });

  it('needs AWS_REGION with any AWS resource', () => {
    expect(problemsOf(() => loadConfig({ DYNAMODB_TABLE_NAME: 't' }, 'api'))).toContainEqual(
      'AWS_REGION: required together with DYNAMODB_TABLE_NAME for AWS mode',
    );
  });

  it('refuses combinations that cannot work, naming the variable to change', () => {
    // A Lambda's disk is temporary: jobs, journal and media cannot live on it.
    expect(problemsOf(() => loadConfig({}, 'lambda'))).toEqual([
      expect.stringMatching(/^jobs: the analysis Lambda cannot use .*set DYNAMODB_TABLE_NAME$/),
      expect.stringMatching(/^journal: the analysis Lambda cannot use .*set the GOOGLE_\* variables$/),
      expect.stringMatching(/^media: the analysis Lambda cannot use .*set the GOOGLE_\* variables$/),
      expect.stringMatching(/^ANALYSIS_QUEUE_URL: the analysis Lambda needs the SQS queue its jobs arrive on$/),
    ]);
    // The SQS worker has nothing to poll without a queue.
    expect(problemsOf(() => loadConfig({}, 'worker'))).toEqual([expect.stringMatching(/^ANALYSIS_QUEUE_URL: the SQS worker needs the queue it polls/)]);
  });

  it('never echoes a secret in its message', () => {
    const secret = 'tiny-secret-value';
    const error = (() => {
      try {
        loadConfig({ TOKEN_ENCRYPTION_SECRET: secret, GEMINI_API_KEY: 'AIzaSyThisIsAKey', GOOGLE_CLIENT_SECRET: 'client-secret-xyz' }, 'api');
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.message).toMatch(/TOKEN_ENCRYPTION_SECRET \(item 1\): must be at least 32 characters/);
    for (const value of [secret, 'AIzaSyThisIsAKey', 'client-secret-xyz']) expect(error.message).not.toContain(value);
  });
});
