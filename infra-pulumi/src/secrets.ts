// The stack's settings in SSM Parameter Store, one parameter per environment variable, secrets as SecureStrings.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { AwsScope } from './aws-scope';
import type { ParameterName, ParameterValue } from './stack-config';

/** The AWS-managed key Parameter Store encrypts SecureStrings with when none is named; named here to say so. */
export const SSM_MANAGED_KEY = 'alias/aws/ssm';

export interface SecretsOptions {
  /** `/pecunia/<stack>/`, ending in a slash: the Lambda reads every parameter directly under it. */
  path: string;
  parameters: Partial<Record<ParameterName, ParameterValue>>;
  scope: AwsScope;
}

export interface StackParameter {
  /** The environment variable it becomes (ECS `secrets[].name`, the Lambda's variable of the same name). */
  name: ParameterName;
  arn: pulumi.Output<string>;
}

export class Secrets extends pulumi.ComponentResource {
  readonly path: string;
  readonly parameters: StackParameter[];
  /** The path as GetParametersByPath authorises it (with and without the trailing slash, as the request may name it). */
  readonly pathArns: pulumi.Output<string>[];
  readonly keyArn: pulumi.Output<string>;

  constructor(name: string, options: SecretsOptions, opts?: pulumi.ComponentResourceOptions) {
    super('pecunia:index:Secrets', name, {}, opts);
    if (!/^\/[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*\/$/.test(options.path)) {
      throw new Error(`The parameters path must look like /pecunia/<stack>/ (got ${options.path})`);
    }
    this.path = options.path;
    this.parameters = (Object.entries(options.parameters) as [ParameterName, ParameterValue][]).map(([envName, { value, secret }]) => {
      const parameter = new aws.ssm.Parameter(
        `${name}-${envName.toLowerCase().replace(/_/g, '-')}`,
        {
          name: `${options.path}${envName}`,
          type: secret ? 'SecureString' : 'String',
          value,
          ...(secret ? { keyId: SSM_MANAGED_KEY } : {}),
          description: secret ? 'Secret, set with pulumi config set --secret.' : 'Set with pulumi config set.',
        },
        { parent: this },
      );
      return { name: envName, arn: parameter.arn };
    });

    const { partition, region, accountId } = options.scope;
    const trimmed = options.path.replace(/\/$/, '');
    this.pathArns = [trimmed, options.path].map((path) => pulumi.interpolate`arn:${partition}:ssm:${region}:${accountId}:parameter${path}`);
    // DescribeKey on a predefined `alias/aws/...` creates the AWS-managed key if the account has none yet, so this
    // lookup works on a fresh account before any SecureString exists.
    this.keyArn = aws.kms.getKeyOutput({ keyId: SSM_MANAGED_KEY }, { parent: this }).arn;
    this.registerOutputs({ path: this.path });
  }
}
