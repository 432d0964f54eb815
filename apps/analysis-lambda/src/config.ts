// The analysis Lambda's configuration: the only module of this app that reads the environment. The schema and its
// rules are core's, shared with every entry point; one error lists every problem.
import { loadConfig as loadSharedConfig, type PecuniaConfig } from '@pecunia/core/composition';

export { ConfigError } from '@pecunia/core';
export type LambdaConfig = PecuniaConfig;

/** `worker` when the handler runs on an operator's machine (`lambda:invoke`): a local journal is reachable there. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env, entry: 'lambda' | 'worker' = 'lambda'): LambdaConfig {
  return loadSharedConfig(source, entry);
}
