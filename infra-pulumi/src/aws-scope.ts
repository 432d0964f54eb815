// The account, region and partition the stack deploys into, looked up once and handed to whatever builds an ARN.
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';

export interface AwsScope {
  accountId: pulumi.Output<string>;
  region: pulumi.Output<string>;
  /** `aws`, `aws-cn` or `aws-us-gov`: ARNs are written with it so the program is not tied to the commercial partition. */
  partition: pulumi.Output<string>;
}

export function awsScope(opts?: pulumi.InvokeOutputOptions): AwsScope {
  return {
    accountId: aws.getCallerIdentityOutput({}, opts).accountId,
    region: aws.getRegionOutput({}, opts).region,
    partition: aws.getPartitionOutput({}, opts).partition,
  };
}
