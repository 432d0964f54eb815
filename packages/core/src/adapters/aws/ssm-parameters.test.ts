import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describeWithMoto } from '../../testing/aws/moto';
import { readParameters } from './ssm-parameters';

describeWithMoto('readParameters (SSM on moto)', (moto) => {
  beforeAll(() => {
    process.env.AWS_ACCESS_KEY_ID = moto().credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = moto().credentials.secretAccessKey;
  });

  async function put(name: string, value: string, type: 'String' | 'SecureString' = 'SecureString') {
    const ssm = new SSMClient({ region: moto().region, endpoint: moto().endpoint });
    await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: type, Overwrite: true }));
    ssm.destroy();
  }

  it('reads every parameter under the path, decrypted, named as the variable it stands for', async () => {
    await put('/pecunia/test/GOOGLE_CLIENT_SECRET', 'client-secret-value');
    await put('/pecunia/test/TOKEN_ENCRYPTION_SECRET', 't'.repeat(40));
    await put('/pecunia/test/GOOGLE_CLIENT_ID', 'client-id', 'String');
    await put('/pecunia/other/GEMINI_API_KEY', 'not ours');

    const variables = await readParameters({ path: '/pecunia/test/', region: moto().region, endpoint: moto().endpoint });

    expect(variables).toEqual({ GOOGLE_CLIENT_SECRET: 'client-secret-value', TOKEN_ENCRYPTION_SECRET: 't'.repeat(40), GOOGLE_CLIENT_ID: 'client-id' });
  });

  it('refuses a parameter that is not named like an environment variable', async () => {
    await put('/pecunia/bad/lower_case', 'x');

    await expect(readParameters({ path: '/pecunia/bad/', region: moto().region, endpoint: moto().endpoint })).rejects.toMatchObject({
      code: 'CONFIG.INVALID_PARAMETER',
    });
  });
});
