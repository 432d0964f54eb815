// Secrets at cold start: the deployment keeps them in SSM Parameter Store (SecureStrings) under one path, named as the
// environment variables they stand for; they are read once, decrypted, never placed in the function's environment.
import { SSMClient } from '@aws-sdk/client-ssm';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { ValidationError } from '../../errors';

export interface ParameterSource {
  /** `/pecunia/<stack>/`: every parameter directly under it becomes a variable of the same name. */
  path: string;
  region: string;
  /** A local stand-in (moto); unset means AWS. */
  endpoint?: string;
}

const VARIABLE_NAME = /^[A-Z][A-Z0-9_]*$/;

/** The parameters under `path`, as `{ NAME: value }`; a name that is not an environment variable's is refused. */
export async function readParameters(source: ParameterSource): Promise<Record<string, string>> {
  const provider = new SSMProvider({
    awsSdkV3Client: new SSMClient({ region: source.region, ...(source.endpoint ? { endpoint: source.endpoint } : {}) }),
  });
  // One read per cold start: the configuration is built once for the life of the execution environment.
  const found = (await provider.getMultiple(source.path, { decrypt: true, recursive: false, maxAge: 0 })) ?? {};
  const variables: Record<string, string> = {};
  for (const [name, value] of Object.entries(found)) {
    if (!VARIABLE_NAME.test(name) || typeof value !== 'string') {
      throw new ValidationError('CONFIG.INVALID_PARAMETER', `SSM parameter ${source.path}${name} is not named like an environment variable`);
    }
    variables[name] = value;
  }
  return variables;
}
