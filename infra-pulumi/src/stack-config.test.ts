// Reading the stack's configuration: defaults, overrides, and one error naming every problem (never a secret).
import { ConfigError } from '@pecunia/core';
import { DEFAULT_LAMBDA_TIMEOUT_SECONDS } from '@pecunia/core/aws';
import { readStackConfig, type ConfigLookup } from './stack-config';

const VALID: Record<string, string> = {
  googleClientId: 'client-id',
  googleClientSecret: 'client-secret',
  googleRedirectUri: 'https://pecunia.example.com/api/auth/google/callback',
  tokenEncryptionSecret: 'x'.repeat(32),
  shareLinkSecret: 's'.repeat(32),
  geminiApiKey: 'gemini-key',
};

const lookup =
  (values: Record<string, string>): ConfigLookup =>
  (key) =>
    values[key];

function problemsOf(values: Record<string, string>): string[] {
  try {
    readStackConfig(lookup(values), 'prod');
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

it('fills in the defaults and the stack’s parameters path', () => {
  const config = readStackConfig(lookup(VALID), 'prod');

  expect(config).toMatchObject({
    parametersPath: '/pecunia/prod/',
    weeklySchedule: 'cron(0 0 ? * SUN *)',
    workerMemoryMb: 1024,
    workerTimeoutSeconds: DEFAULT_LAMBDA_TIMEOUT_SECONDS,
  });
  // Unset: `pulumi up` builds the image itself, and the load balancer speaks plain HTTP.
  expect(config.apiImageTag).toBeUndefined();
  expect(config.certificateArn).toBeUndefined();
  expect(config.domainName).toBeUndefined();
  expect(Object.keys(config.parameters).sort()).toEqual(['GEMINI_API_KEY', 'GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET', 'GOOGLE_REDIRECT_URI', 'SHARE_LINK_SECRET', 'TOKEN_ENCRYPTION_SECRET']);
  expect(config.parameters.SHARE_LINK_SECRET?.secret).toBe(true);
  expect(config.parameters.GOOGLE_CLIENT_SECRET?.secret).toBe(true);
  expect(config.parameters.GOOGLE_CLIENT_ID).toEqual({ value: 'client-id', secret: false });
});

it('names every missing required key in one error, with the command that sets it', () => {
  const problems = problemsOf({});

  expect(problems).toEqual([
    'pecunia:googleClientId is required: pulumi config set pecunia:googleClientId <value>',
    'pecunia:googleClientSecret is required: pulumi config set --secret pecunia:googleClientSecret <value>',
    'pecunia:googleRedirectUri is required: pulumi config set pecunia:googleRedirectUri <value>',
    'pecunia:tokenEncryptionSecret is required: pulumi config set --secret pecunia:tokenEncryptionSecret <value>',
    'pecunia:shareLinkSecret is required: pulumi config set --secret pecunia:shareLinkSecret <value>',
    'pecunia:geminiApiKey is required: pulumi config set --secret pecunia:geminiApiKey <value>',
  ]);
});

it('refuses what the apps would refuse, and bad sizes and schedules, without echoing a secret', () => {
  const shortSecret = 'too-short-secret-value';
  const problems = problemsOf({
    ...VALID,
    googleRedirectUri: 'not a url',
    tokenEncryptionSecret: shortSecret,
    shareLinkSecret: `${'s'.repeat(32)},${shortSecret}`,
    workerMemoryMb: '64',
    workerTimeoutSeconds: '901',
    weeklySchedule: '0 0 * * 0',
    apiImageTag: 'bad tag',
    certificateArn: 'arn:aws:iam::123456789012:server-certificate/x',
    domainName: 'https://pecunia.example.com/',
  });

  expect(problems.map((p) => p.split(' ')[0])).toEqual([
    'pecunia:googleRedirectUri',
    'pecunia:tokenEncryptionSecret',
    'pecunia:shareLinkSecret',
    'pecunia:weeklySchedule',
    'pecunia:apiImageTag',
    'pecunia:certificateArn',
    'pecunia:domainName',
    'pecunia:workerMemoryMb',
    'pecunia:workerTimeoutSeconds',
  ]);
  expect(problems.join('\n')).not.toContain(shortSecret);
});

it('reads the pushed image tag, the certificate and the domain when set', () => {
  const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/11112222-3333-4444-5555-666677778888';
  const config = readStackConfig(lookup({ ...VALID, apiImageTag: 'abc1234', certificateArn, domainName: 'pecunia.example.com' }), 'prod');

  expect(config).toMatchObject({ apiImageTag: 'abc1234', certificateArn, domainName: 'pecunia.example.com' });
});

it('refuses a domain name without a certificate to serve it', () => {
  expect(problemsOf({ ...VALID, domainName: 'pecunia.example.com' })).toEqual([
    expect.stringMatching(/^pecunia:domainName needs pecunia:certificateArn/),
  ]);
});
