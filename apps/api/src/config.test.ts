import { ConfigError, loadConfig } from './config';

describe('configuration', () => {
  it('runs in local mode with nothing set', () => {
    const config = loadConfig({});
    expect(config.env).toMatchObject({ PORT: 8000, DATA_DIR: './.data', APP_ENV: 'development', DEFAULT_TIMEZONE: 'UTC', WORKER_ENABLED: true });
    expect(config.adapters).toEqual({
      journal: 'local',
      media: 'local',
      apiKeys: 'local',
      jobs: 'local',
      tokens: 'local',
      idempotency: 'local',
      queue: 'local',
      extractor: 'local',
      coach: 'local',
      transcriber: 'none',
      imageAnalyst: 'none',
      researcher: 'none',
    });
  });

  it('lists every problem in one error', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', APP_ENV: 'prod', TOKEN_ENCRYPTION_SECRET: 'short', GOOGLE_CLIENT_ID: 'id', DEFAULT_TIMEZONE: 'Mars/Base' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['PORT', 'APP_ENV', 'TOKEN_ENCRYPTION_SECRET', 'GOOGLE_CLIENT_SECRET, GOOGLE_REDIRECT_URI', 'DEFAULT_TIMEZONE']) {
      expect(message).toContain(name);
    }
    expect((error as ConfigError).problems.length).toBeGreaterThanOrEqual(5);
  });

  it('refuses cloud settings this build cannot serve instead of silently running locally', () => {
    expect(() => loadConfig({ ANALYSIS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/q', DYNAMODB_TABLE_NAME: 't', AWS_REGION: 'eu-west-1' })).toThrow(/AWS mode/);
    expect(() => loadConfig({ ANALYSIS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/q' })).toThrow(/AWS_REGION: required together with ANALYSIS_QUEUE_URL/);
    expect(() => loadConfig({ SERPAPI_API_KEY: 'k' })).toThrow(/web research is not available/);
  });
});
