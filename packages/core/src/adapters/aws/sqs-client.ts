// The one place an SQSClient is built: region, an optional endpoint (moto, LocalStack) and optional static credentials.
import { SQSClient } from '@aws-sdk/client-sqs';

export interface SqsClientOptions {
  region: string;
  /** `AWS_ENDPOINT_URL` or a test's moto; real AWS when absent. */
  endpoint?: string;
  /** Static keys for an emulator; absent, the SDK's default chain (Lambda role, profile, env) applies. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export function createSqsClient(options: SqsClientOptions): SQSClient {
  return new SQSClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
}
