// The SDK's version, sent in User-Agent. A test keeps it equal to package.json's (bundles cannot read that file).
export const SDK_VERSION = '0.1.0';
