import { ConfigError, loadConfig } from './config';

// The schema and its rules are core's (composition/config.test.ts); this checks what the API's reading adds.
describe('API configuration', () => {
  it('reads the environment as the API entry point: local mode with nothing set', () => {
    const config = loadConfig({});
    expect(config.entry).toBe('api');
    expect(config.env).toMatchObject({ PORT: 8000, DATA_DIR: './.data', APP_ENV: 'development', DEFAULT_TIMEZONE: 'UTC', WORKER_ENABLED: true });
    expect(new Set(Object.values(config.adapters))).toEqual(new Set(['local', 'none']));
  });

  it('lists every problem in one error, the Google redirect URI included (the API serves the OAuth routes)', () => {
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
  });

  it('reads operator commands as the cli entry point, which needs no redirect URI', () => {
    expect(loadConfig({ GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 's' }, 'cli').adapters).toMatchObject({ journal: 'google', media: 'google' });
    expect(() => loadConfig({ GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 's' })).toThrow(/GOOGLE_REDIRECT_URI: required/);
  });
});
