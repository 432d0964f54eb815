// The environment a packaged Lambda is tried with outside AWS: a complete AWS + Google configuration, as the deployed
// function gets it, with PARAMETERS_PATH unset so that nothing is read from SSM at init.
export const lambdaTrialEnv = (): Record<string, string> => ({
  AWS_REGION: 'us-east-1',
  DYNAMODB_TABLE_NAME: 't',
  ANALYSIS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/q',
  GOOGLE_CLIENT_ID: 'id',
  GOOGLE_CLIENT_SECRET: 's',
  TOKEN_ENCRYPTION_SECRET: 'x'.repeat(40),
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret-example',
  APP_LOG_LEVEL: 'silent',
});
