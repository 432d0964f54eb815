// Test double for the Pulumi engine: records every resource the program registers and answers its AWS lookups.
import * as pulumi from '@pulumi/pulumi';

export const ACCOUNT_ID = '123456789012';
export const REGION = 'eu-west-1';
export const STACK = 'test';
export const SSM_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/0000aaaa-11bb-22cc-33dd-444444eeeeee`;
export const SUBNET_IDS = ['subnet-aaa', 'subnet-bbb'];
export const REGISTRY = `${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com`;
/** The short-lived ECR token the build logs in with; it must reach the build only as a secret. */
export const ECR_PASSWORD = 'ecr-token-password-4b1e';
export const IMAGE_DIGEST = `sha256:${'ab12'.repeat(16)}`;
export const CERTIFICATE_ARN = `arn:aws:acm:${REGION}:${ACCOUNT_ID}:certificate/11112222-3333-4444-5555-666677778888`;

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** Distinct enough that finding one anywhere is a leak, not a coincidence. */
export const SECRET_VALUES = {
  googleClientSecret: 'GOCSPX-secret-client-value-7f3a',
  tokenEncryptionSecret: 'token-encryption-secret-0123456789abcdef-XYZ',
  shareLinkSecret: 'share-link-secret-0123456789abcdef-QRS',
  geminiApiKey: 'AIza-gemini-secret-key-51c9',
  serpapiApiKey: 'serpapi-secret-key-9d2e',
} as const;

export const BASE_CONFIG: Record<string, string> = {
  googleClientId: 'client-id.apps.googleusercontent.com',
  googleRedirectUri: 'https://pecunia.example.com/api/auth/google/callback',
  ...SECRET_VALUES,
};

// What the provider would compute; the engine returns only inputs under mocks, so ARNs and URLs are made up here.
function computed(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  const name = typeof args.inputs.name === 'string' ? args.inputs.name : args.name;
  const service = args.type.split(':')[1]?.split('/')[0] ?? 'unknown';
  const state: Record<string, unknown> = { name, arn: `arn:aws:${service}:${REGION}:${ACCOUNT_ID}:${args.type.split(':')[2]}/${name}` };
  if (args.type === 'aws:sqs/queue:Queue') state.url = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/${name}`;
  if (args.type === 'aws:lb/loadBalancer:LoadBalancer') state.dnsName = `${name}-123.${REGION}.elb.amazonaws.com`;
  if (args.type === 'aws:ecr/repository:Repository') Object.assign(state, { repositoryUrl: `${REGISTRY}/${name}`, registryId: ACCOUNT_ID });
  // docker-build's ref is the first tag pinned to the pushed digest.
  if (args.type === 'docker-build:index:Image') {
    const [tag] = (args.inputs.tags as string[] | undefined) ?? [];
    Object.assign(state, { digest: IMAGE_DIGEST, ref: `${tag}@${IMAGE_DIGEST}` });
  }
  if (args.type === 'aws:cloudwatch/logGroup:LogGroup') state.arn = `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${name}`;
  if (args.type === 'aws:ssm/parameter:Parameter') state.arn = `arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter${name}`;
  if (args.type === 'aws:dynamodb/table:Table') state.arn = `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${name}`;
  return state;
}

const LOOKUPS: Record<string, Record<string, unknown>> = {
  'aws:index/getCallerIdentity:getCallerIdentity': { accountId: ACCOUNT_ID },
  'aws:index/getRegion:getRegion': { region: REGION, name: REGION },
  'aws:index/getPartition:getPartition': { partition: 'aws' },
  'aws:kms/getKey:getKey': { arn: SSM_KEY_ARN },
  'aws:ec2/getVpc:getVpc': { id: 'vpc-default' },
  'aws:ec2/getSubnets:getSubnets': { ids: SUBNET_IDS },
  'aws:ecr/getAuthorizationToken:getAuthorizationToken': {
    userName: 'AWS',
    password: ECR_PASSWORD,
    proxyEndpoint: `https://${REGISTRY}`,
    authorizationToken: Buffer.from(`AWS:${ECR_PASSWORD}`).toString('base64'),
    expiresAt: '2030-01-01T00:00:00Z',
  },
};

/**
 * Sets the stack's config (keys of the `pecunia` namespace) and installs the mocks. Call it before importing the
 * program: the program registers its resources at import time. Returns the list the resources are recorded in.
 */
export async function installMocks(config: Record<string, string> = BASE_CONFIG): Promise<RecordedResource[]> {
  const entries = Object.entries(config).map(([key, value]) => [`pecunia:${key}`, value] as const);
  process.env.PULUMI_CONFIG = JSON.stringify(Object.fromEntries(entries));
  // The engine's store may already hold the environment it saw first, so the config is also set through the runtime.
  pulumi.runtime.setAllConfig(Object.fromEntries(entries), Object.keys(SECRET_VALUES).map((key) => `pecunia:${key}`));
  const resources: RecordedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        return { id: `${args.name}_id`, state: { ...computed(args), ...args.inputs } };
      },
      call: (args) => ({ ...args.inputs, ...LOOKUPS[args.token] }),
    },
    'pecunia',
    STACK,
    false,
  );
  return resources;
}

/** Waits until every registration the program started has reached the mocks. */
export async function settle(): Promise<void> {
  await pulumi.runtime.disconnect();
}

export const value = <T>(output: pulumi.Output<T>): Promise<T> => new Promise<T>((resolve) => output.apply(resolve));

export function ofType(resources: RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((resource) => resource.type === type);
}

export function single(resources: RecordedResource[], type: string): RecordedResource {
  const found = ofType(resources, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}
