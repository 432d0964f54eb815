// The API's configuration: the only module of this app that reads process.env. The schema and its rules are core's,
// shared with every other entry point; one error lists every problem.
import { loadConfig as loadSharedConfig, type PecuniaConfig } from '@pecunia/core/composition';

export { ConfigError } from '@pecunia/core';
export type AppConfig = PecuniaConfig;

/** `entry` is `cli` for the operator commands, which serve no HTTP and run no worker. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env, entry: 'api' | 'cli' = 'api'): AppConfig {
  return loadSharedConfig(source, entry);
}
