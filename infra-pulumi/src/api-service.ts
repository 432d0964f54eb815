// The HTTP API on ECS Fargate behind a load balancer: Lambda's 6 MB request limit cannot carry 15 MB attachments.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { API_CONTAINER_NAME, API_HEALTH_PATH, API_PORT, apiContainerDefinitions, type ContainerSecret } from './api-container';
import { ApiLoadBalancer } from './api-load-balancer';
import {
  assumeRolePolicy,
  imagePullStatements,
  logWriteStatement,
  policyDocument,
  queueProducerStatement,
  tableStatements,
  type TableAccess,
} from './iam-statements';

export interface ApiServiceOptions {
  /**
   * The tag of the image in this stack's ECR repository. The image is built from `apps/api/Dockerfile` and pushed
   * before `pulumi up` (see the README); no Docker engine runs inside the Pulumi program.
   */
  imageTag: string;
  table: TableAccess & { name: pulumi.Input<string> };
  queue: { arn: pulumi.Input<string>; url: pulumi.Input<string>; maxReceiveCount: number };
  /** Parameters ECS injects as environment variables at start (name → parameter ARN). */
  secrets: ContainerSecret[];
  region: pulumi.Input<string>;
  logGroupName: string;
  logRetentionDays?: number;
  appEnv?: string;
  /** Running tasks; one by default (the worker runs in Lambda, the API holds no state). */
  desiredCount?: number;
  /** Fargate size: 0.5 vCPU and 1 GB by default, room for a few 15 MB uploads at once. */
  cpu?: number;
  memoryMb?: number;
}

export class ApiService extends pulumi.ComponentResource {
  readonly repository: aws.ecr.Repository;
  readonly taskDefinition: aws.ecs.TaskDefinition;
  readonly service: aws.ecs.Service;
  readonly loadBalancer: ApiLoadBalancer;
  readonly url: pulumi.Output<string>;

  constructor(name: string, options: ApiServiceOptions, opts?: pulumi.ComponentResourceOptions) {
    super('pecunia:index:ApiService', name, {}, opts);
    const child = { parent: this };

    // The default VPC keeps the stack to one `pulumi up` on any account; its subnets are public, hence the public IP
    // below (tasks reach ECR and Google without a NAT gateway) with a security group that admits only the ALB.
    const vpc = aws.ec2.getVpcOutput({ default: true }, child);
    const subnets = aws.ec2.getSubnetsOutput(
      { filters: [{ name: 'vpc-id', values: [vpc.id] }, { name: 'default-for-az', values: ['true'] }] },
      child,
    );
    this.loadBalancer = new ApiLoadBalancer(name, { vpcId: vpc.id, subnetIds: subnets.ids, targetPort: API_PORT, healthCheckPath: API_HEALTH_PATH }, child);

    this.repository = new aws.ecr.Repository(
      name,
      {
        // Mutable because the default tag is `latest`; a release tag (a commit SHA) is what a rollback names.
        imageTagMutability: 'MUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
      },
      child,
    );
    new aws.ecr.LifecyclePolicy(
      name,
      {
        repository: this.repository.name,
        // Enough history to roll back a few weeks of releases without paying for every image ever pushed.
        policy: JSON.stringify({
          rules: [{ rulePriority: 1, description: 'Keep the 30 newest images', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 }, action: { type: 'expire' } }],
        }),
      },
      child,
    );

    const logGroup = new aws.cloudwatch.LogGroup(name, { name: options.logGroupName, retentionInDays: options.logRetentionDays ?? 30 }, child);

    // The execution role is ECS's own: pull the image, write the logs, read the parameters it injects.
    const executionRole = new aws.iam.Role(`${name}-execution`, { assumeRolePolicy: assumeRolePolicy('ecs-tasks.amazonaws.com') }, child);
    new aws.iam.RolePolicy(
      `${name}-execution`,
      {
        role: executionRole.id,
        policy: policyDocument([
          ...imagePullStatements(this.repository.arn),
          logWriteStatement(logGroup.arn),
          // The SecureStrings use the AWS-managed aws/ssm key, which ECS may decrypt through SSM without a KMS grant.
          { Sid: 'InjectedParameters', Effect: 'Allow', Action: ['ssm:GetParameters'], Resource: options.secrets.map((secret) => secret.valueFrom) },
        ]),
      },
      child,
    );
    // The task role is the application's: its table and its queue (it enqueues; the Lambda consumes). It reads no
    // parameters itself, since ECS has injected them before the process starts.
    const taskRole = new aws.iam.Role(`${name}-task`, { assumeRolePolicy: assumeRolePolicy('ecs-tasks.amazonaws.com') }, child);
    new aws.iam.RolePolicy(
      `${name}-task`,
      { role: taskRole.id, policy: policyDocument([queueProducerStatement(options.queue.arn), ...tableStatements(options.table)]) },
      child,
    );

    this.taskDefinition = new aws.ecs.TaskDefinition(
      name,
      {
        family: `${pulumi.getProject()}-${pulumi.getStack()}-api`,
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: String(options.cpu ?? 512),
        memory: String(options.memoryMb ?? 1024),
        // Graviton, as the Lambda: build the image with `--platform linux/arm64` (README).
        runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
        executionRoleArn: executionRole.arn,
        taskRoleArn: taskRole.arn,
        containerDefinitions: apiContainerDefinitions({
          image: pulumi.interpolate`${this.repository.repositoryUrl}:${options.imageTag}`,
          environment: {
            // The worker runs in Lambda; the API must not also consume the queue.
            WORKER_ENABLED: 'false',
            DYNAMODB_TABLE_NAME: options.table.name,
            ANALYSIS_QUEUE_URL: options.queue.url,
            ANALYSIS_MAX_RECEIVE_COUNT: String(options.queue.maxReceiveCount),
            AWS_REGION: options.region,
            PORT: String(API_PORT),
            APP_ENV: options.appEnv ?? 'production',
            PUBLIC_BASE_URL: pulumi.interpolate`http://${this.loadBalancer.dnsName}`,
          },
          secrets: options.secrets,
          logGroupName: logGroup.name,
          region: options.region,
        }),
      },
      child,
    );

    const cluster = new aws.ecs.Cluster(name, {}, child);
    this.service = new aws.ecs.Service(
      name,
      {
        cluster: cluster.arn,
        taskDefinition: this.taskDefinition.arn,
        desiredCount: options.desiredCount ?? 1,
        launchType: 'FARGATE',
        networkConfiguration: { subnets: subnets.ids, securityGroups: [this.loadBalancer.taskSecurityGroup.id], assignPublicIp: true },
        loadBalancers: [{ targetGroupArn: this.loadBalancer.targetGroup.arn, containerName: API_CONTAINER_NAME, containerPort: API_PORT }],
        // Time for the process to start before the ALB's failed checks count against a new task.
        healthCheckGracePeriodSeconds: 60,
        // A release that never turns healthy is rolled back by ECS, and `pulumi up` reports the failure.
        deploymentCircuitBreaker: { enable: true, rollback: true },
        waitForSteadyState: true,
      },
      // The target group must be attached to a listener before a service can register into it.
      { parent: this, dependsOn: [this.loadBalancer.listener] },
    );

    this.url = pulumi.interpolate`http://${this.loadBalancer.dnsName}`;
    this.registerOutputs({ url: this.url, repositoryUrl: this.repository.repositoryUrl });
  }
}
