import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describeWithMoto, lambdaContext } from '@pecunia/core/testing';
import { createLazyHandler, setupFromEnv } from './handler';

describeWithMoto('the Lambda reads its secrets from SSM at cold start', (moto) => {
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const { endpoint, region, credentials } = moto();
    process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
    const ssm = new SSMClient({ region, endpoint });
    for (const [name, value] of Object.entries({ GOOGLE_CLIENT_SECRET: 'from-ssm-secret', TOKEN_ENCRYPTION_SECRET: 's'.repeat(40) })) {
      await ssm.send(new PutParameterCommand({ Name: `/pecunia/test/${name}`, Value: value, Type: 'SecureString', Overwrite: true }));
    }
    ssm.destroy();
    // What the deployed function's environment holds: no secret, only where to find them.
    env = {
      AWS_REGION: region,
      AWS_ENDPOINT_URL: endpoint,
      DYNAMODB_TABLE_NAME: 'pecunia',
      ANALYSIS_QUEUE_URL: `${endpoint}/123456789012/pecunia-analysis`,
      GOOGLE_CLIENT_ID: 'client-id',
      APP_LOG_LEVEL: 'silent',
      PARAMETERS_PATH: '/pecunia/test/',
    };
  });

  it('completes its configuration with the parameters under PARAMETERS_PATH', async () => {
    const handler = createLazyHandler(() => setupFromEnv(env));

    expect(await handler({ Records: [] }, lambdaContext())).toEqual({ batchItemFailures: [] });
  });

  it('without them, names the secret that is missing', async () => {
    const { PARAMETERS_PATH: _path, ...bare } = env;

    await expect(setupFromEnv(bare)).rejects.toThrow(/GOOGLE_CLIENT_SECRET: required together with GOOGLE_CLIENT_ID/);
  });
});
