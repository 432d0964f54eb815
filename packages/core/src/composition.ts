// Subpath `@pecunia/core/composition`: configuration from the environment and the adapters it names, for every entry point.
export { DEFAULT_SHUTDOWN_GRACE_SECONDS, envSchema, LOG_LEVELS } from './composition/env';
export type { Env } from './composition/env';
export { loadConfig, planAdapters, describePlan, modeOf } from './composition/config';
export type { AdapterPlan, Entry, Family, PecuniaConfig, PortName } from './composition/config';
export { compose } from './composition/compose';
export type { ComposeOptions, Composition, QueueConsumer, ReadinessCheck } from './composition/compose';
export { databaseFile } from './composition/local-family';
export { openAwsFamily } from './composition/aws-family';
