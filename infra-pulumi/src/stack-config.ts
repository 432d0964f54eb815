// The stack's configuration, read once from Pulumi config and checked whole: every problem in one message.
import * as pulumi from '@pulumi/pulumi';
import { ConfigError } from '@pecunia/core';
import { envSchema } from '@pecunia/core/composition';
import { DEFAULT_LAMBDA_TIMEOUT_SECONDS } from '@pecunia/core/aws';

export const DEFAULT_WEEKLY_SCHEDULE = 'cron(0 0 ? * SUN *)';
export const DEFAULT_WORKER_MEMORY_MB = 1024;

/**
 * Every value the apps read from Parameter Store, by the environment variable it stands for (the Lambda turns each
 * parameter under its path into the variable of the same name), with the Pulumi config key that sets it.
 */
export const PARAMETERS = {
  GOOGLE_CLIENT_ID: { key: 'googleClientId', secret: false, required: true },
  GOOGLE_CLIENT_SECRET: { key: 'googleClientSecret', secret: true, required: true },
  GOOGLE_REDIRECT_URI: { key: 'googleRedirectUri', secret: false, required: true },
  TOKEN_ENCRYPTION_SECRET: { key: 'tokenEncryptionSecret', secret: true, required: true },
  // The API signs report share links with it; every task must have the same one (the API refuses to start without).
  SHARE_LINK_SECRET: { key: 'shareLinkSecret', secret: true, required: true },
  GEMINI_API_KEY: { key: 'geminiApiKey', secret: true, required: true },
  SERPAPI_API_KEY: { key: 'serpapiApiKey', secret: true, required: false },
} as const;

export type ParameterName = keyof typeof PARAMETERS;

export interface ParameterValue {
  /** Secret values stay Pulumi secrets: encrypted in the state, masked in output. */
  value: pulumi.Input<string>;
  /** Stored as a SecureString when true. */
  secret: boolean;
}

export interface StackConfig {
  stack: string;
  /** `/pecunia/<stack>/`: the Parameter Store path holding every parameter. */
  parametersPath: string;
  /** Only the parameters that are set: an optional one left out is not created at all. */
  parameters: Partial<Record<ParameterName, ParameterValue>>;
  /** An EventBridge schedule expression (`cron(…)` with six fields, or `rate(…)`). */
  weeklySchedule: string;
  workerMemoryMb: number;
  workerTimeoutSeconds: number;
  /**
   * A tag already pushed to the stack's repository (by a CI pipeline that builds elsewhere). Unset, `pulumi up` builds
   * and pushes the API image itself.
   */
  apiImageTag?: string;
  /** An ACM certificate in the stack's region: the load balancer then serves HTTPS on 443 and redirects 80 to it. */
  certificateArn?: string;
  /** The host name the certificate covers and DNS points at the load balancer; only with `certificateArn`. */
  domainName?: string;
}

/** Reads one key of the `pecunia` namespace; a test passes a plain lookup. */
export type ConfigLookup = (key: string) => string | undefined;

const SCHEDULE = /^(cron|rate)\(.+\)$/;
// Docker's tag grammar: what `docker tag` accepts is what the task definition may name.
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;
// A DNS host name: labels of letters, digits and hyphens, at least one dot, no scheme, port or path.
const DOMAIN_NAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

function wholeNumber(lookup: ConfigLookup, key: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = lookup(key)?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`pecunia:${key} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return fallback;
  }
  return value;
}

/**
 * The stack's settings. The parameters are checked with the apps' own environment schema, so a value the API or the
 * Lambda would refuse at start-up fails `pulumi preview` instead.
 */
export function readStackConfig(lookup: ConfigLookup = defaultLookup(), stack: string = pulumi.getStack()): StackConfig {
  const problems: string[] = [];
  const raw: Partial<Record<ParameterName, string>> = {};
  for (const [name, spec] of Object.entries(PARAMETERS) as [ParameterName, (typeof PARAMETERS)[ParameterName]][]) {
    const value = lookup(spec.key)?.trim();
    if (value) raw[name] = value;
    else if (spec.required) problems.push(`pecunia:${spec.key} is required: pulumi config set${spec.secret ? ' --secret' : ''} pecunia:${spec.key} <value>`);
  }
  const checked = envSchema
    .pick({ GOOGLE_CLIENT_ID: true, GOOGLE_CLIENT_SECRET: true, GOOGLE_REDIRECT_URI: true, TOKEN_ENCRYPTION_SECRET: true, SHARE_LINK_SECRET: true, GEMINI_API_KEY: true, SERPAPI_API_KEY: true })
    .safeParse(raw);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const name = String(issue.path[0]) as ParameterName;
      // The message names the key, never the value: a secret must not reach a log through its own error.
      problems.push(`pecunia:${PARAMETERS[name]?.key ?? name} ${issue.message}`);
    }
  }

  const weeklySchedule = lookup('weeklySchedule')?.trim() || DEFAULT_WEEKLY_SCHEDULE;
  if (!SCHEDULE.test(weeklySchedule)) problems.push('pecunia:weeklySchedule must be an EventBridge expression such as cron(0 0 ? * SUN *) or rate(7 days)');
  const apiImageTag = lookup('apiImageTag')?.trim() || undefined;
  if (apiImageTag !== undefined && !IMAGE_TAG.test(apiImageTag)) problems.push('pecunia:apiImageTag must be a Docker image tag (letters, digits, _ . -, at most 128)');
  const certificateArn = lookup('certificateArn')?.trim() || undefined;
  if (certificateArn !== undefined && !CERTIFICATE_ARN.test(certificateArn)) problems.push('pecunia:certificateArn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)');
  const domainName = lookup('domainName')?.trim() || undefined;
  if (domainName !== undefined && !DOMAIN_NAME.test(domainName)) problems.push('pecunia:domainName must be a host name such as pecunia.example.com (no scheme, port or path)');
  else if (domainName !== undefined && certificateArn === undefined) problems.push('pecunia:domainName needs pecunia:certificateArn: without a certificate the API is served over HTTP on the load balancer\'s own name');
  // Lambda's own limits: 128 MB to 10 GB of memory, at most 15 minutes.
  const workerMemoryMb = wholeNumber(lookup, 'workerMemoryMb', DEFAULT_WORKER_MEMORY_MB, 128, 10_240, problems);
  const workerTimeoutSeconds = wholeNumber(lookup, 'workerTimeoutSeconds', DEFAULT_LAMBDA_TIMEOUT_SECONDS, 1, 900, problems);

  if (problems.length > 0) throw new ConfigError(problems, `Stack "${stack}" is not configured correctly`);

  const parameters: Partial<Record<ParameterName, ParameterValue>> = {};
  for (const [name, value] of Object.entries(raw) as [ParameterName, string][]) {
    const { secret } = PARAMETERS[name];
    parameters[name] = { value: secret ? pulumi.secret(value) : value, secret };
  }
  return {
    stack,
    parametersPath: `/pecunia/${stack}/`,
    parameters,
    weeklySchedule,
    workerMemoryMb,
    workerTimeoutSeconds,
    ...(apiImageTag === undefined ? {} : { apiImageTag }),
    ...(certificateArn === undefined ? {} : { certificateArn }),
    ...(domainName === undefined ? {} : { domainName }),
  };
}

function defaultLookup(): ConfigLookup {
  const config = new pulumi.Config('pecunia');
  // `get` rather than `getSecret`: the values are checked here and wrapped in pulumi.secret just above.
  return (key) => config.get(key);
}
