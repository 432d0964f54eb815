// The API's ECS container definition: image, plain settings, secrets injected by ECS at start, health check and logs.
import * as pulumi from '@pulumi/pulumi';

export const API_CONTAINER_NAME = 'api';
export const API_PORT = 8000;
/** The liveness route: the process is up (readiness, with its dependencies, is `/api/health/ready`). */
export const API_HEALTH_PATH = '/api/health';
/**
 * Seconds between SIGTERM and SIGKILL when ECS stops the task: the API's SHUTDOWN_GRACE_SECONDS (25 by default) for
 * requests in flight, then the database and adapters closing. Set, rather than left to ECS's default of the same 30 s,
 * so that a test keeps the two consistent.
 */
export const API_STOP_TIMEOUT_SECONDS = 30;

export interface ContainerSecret {
  /** The environment variable ECS sets in the container. */
  name: string;
  /** The SSM parameter's ARN; ECS reads it with the execution role, so the value never sits in the task definition. */
  valueFrom: pulumi.Input<string>;
}

export interface ApiContainerOptions {
  image: pulumi.Input<string>;
  /** Plain settings only: anything secret goes in `secrets`. */
  environment: Record<string, pulumi.Input<string>>;
  secrets: ContainerSecret[];
  logGroupName: pulumi.Input<string>;
  region: pulumi.Input<string>;
}

/**
 * ECS ignores the image's Docker HEALTHCHECK, so the task definition repeats it. Node's own fetch keeps it independent
 * of curl or wget being in the image; 127.0.0.1 because the API binds 0.0.0.0 and `localhost` may resolve to ::1.
 */
const HEALTH_COMMAND = [
  'CMD',
  'node',
  '-e',
  `fetch('http://127.0.0.1:${API_PORT}${API_HEALTH_PATH}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
];

export function apiContainerDefinitions(options: ApiContainerOptions): pulumi.Output<string> {
  return pulumi.jsonStringify([
    {
      name: API_CONTAINER_NAME,
      image: options.image,
      essential: true,
      portMappings: [{ containerPort: API_PORT, protocol: 'tcp' }],
      environment: Object.entries(options.environment).map(([name, value]) => ({ name, value })),
      secrets: options.secrets.map(({ name, valueFrom }) => ({ name, valueFrom })),
      healthCheck: { command: HEALTH_COMMAND, interval: 30, timeout: 5, retries: 3, startPeriod: 30 },
      stopTimeout: API_STOP_TIMEOUT_SECONDS,
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': options.logGroupName, 'awslogs-region': options.region, 'awslogs-stream-prefix': API_CONTAINER_NAME },
      },
    },
  ]);
}
