// The HTTP API on ECS Fargate behind a load balancer: Lambda's 6 MB request limit cannot carry 15 MB attachments.
import * as aws from '@pulumi/aws';
import * as dockerBuild from '@pulumi/docker-build';
import * as pulumi from '@pulumi/pulumi';
import { API_CONTAINER_NAME, API_HEALTH_PATH, API_PORT, apiContainerDefinitions, type ContainerSecret } from './api-container';
import { ALB_IDLE_TIMEOUT_SECONDS, ApiLoadBalancer } from './api-load-balancer';
import {
  assumeRolePolicy,
  imagePullStatements,
  logWriteStatement,
  policyDocument,
  queueProducerStatement,
  tableStatements,
  type TableAccess,
} from './iam-statements';

/** Where `pulumi up` builds the API image from, on the deployer's Docker engine. */
export interface ApiImageBuild {
  /** The build context: the repository root, since the Dockerfile copies the workspace's packages. */
  context: string;
  dockerfile: string;
}

/** The tag a build pushes; the task names the image by digest, so each new build rolls the service anyway. */
export const BUILT_IMAGE_TAG = 'latest';

export interface ApiServiceOptions {
  /**
   * The image to build and push during `pulumi up`, unless `tag` names an image already pushed to this stack's ECR
   * repository (a CI pipeline that builds elsewhere): then nothing is built.
   */
  image: { build: ApiImageBuild; tag?: string };
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
  /** An ACM certificate in the stack's region: HTTPS on 443, with port 80 redirecting to it. */
  certificateArn?: string;
  /** The host name DNS points at the load balancer, for the public URL; the load balancer's own name otherwise. */
  domainName?: string;
}

export class ApiService extends pulumi.ComponentResource {
  readonly repository: aws.ecr.Repository;
  /** The image `pulumi up` built and pushed; absent when the configuration names a pushed tag. */
  readonly image?: dockerBuild.Image;
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
    this.loadBalancer = new ApiLoadBalancer(
      name,
      {
        vpcId: vpc.id,
        subnetIds: subnets.ids,
        targetPort: API_PORT,
        healthCheckPath: API_HEALTH_PATH,
        ...(options.certificateArn === undefined ? {} : { certificateArn: options.certificateArn }),
      },
      child,
    );
    // What users and Google's redirects reach: the certificate's host over HTTPS when there is one.
    this.url =
      options.certificateArn === undefined
        ? pulumi.interpolate`http://${this.loadBalancer.dnsName}`
        : options.domainName === undefined
          ? pulumi.interpolate`https://${this.loadBalancer.dnsName}`
          : pulumi.output(`https://${options.domainName}`);

    this.repository = new aws.ecr.Repository(
      name,
      {
        // Mutable because each build moves `latest`; a release tag pushed by CI (a commit SHA) is what a rollback names.
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

    let imageRef: pulumi.Output<string>;
    if (options.image.tag !== undefined) {
      imageRef = pulumi.interpolate`${this.repository.repositoryUrl}:${options.image.tag}`;
    } else {
      // Built on the deployer's Docker engine during `pulumi up` and pushed with a short-lived ECR token.
      const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: this.repository.registryId }, child);
      this.image = new dockerBuild.Image(
        name,
        {
          context: { location: options.image.build.context },
          dockerfile: { location: options.image.build.dockerfile },
          // Graviton, as the task's runtime platform below.
          platforms: [dockerBuild.Platform.Linux_arm64],
          push: true,
          tags: [pulumi.interpolate`${this.repository.repositoryUrl}:${BUILT_IMAGE_TAG}`],
          registries: [
            {
              address: this.repository.repositoryUrl.apply((url) => url.split('/')[0] ?? url),
              username: auth.userName,
              password: pulumi.secret(auth.password),
            },
          ],
        },
        child,
      );
      // `<repository>:<tag>@sha256:…`: pinned to the digest, so every new build changes the task definition.
      imageRef = this.image.ref;
    }

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
        // Graviton, as the Lambda: the image is built for linux/arm64 (here, or by CI with `--platform linux/arm64`).
        runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
        executionRoleArn: executionRole.arn,
        taskRoleArn: taskRole.arn,
        containerDefinitions: apiContainerDefinitions({
          image: imageRef,
          environment: {
            // The worker runs in Lambda; the API must not also consume the queue.
            WORKER_ENABLED: 'false',
            DYNAMODB_TABLE_NAME: options.table.name,
            ANALYSIS_QUEUE_URL: options.queue.url,
            ANALYSIS_MAX_RECEIVE_COUNT: String(options.queue.maxReceiveCount),
            AWS_REGION: options.region,
            PORT: String(API_PORT),
            APP_ENV: options.appEnv ?? 'production',
            PUBLIC_BASE_URL: this.url,
            // One hop, the ALB: its X-Forwarded-For names the client the per-address rate limit counts.
            TRUST_PROXY: '1',
            // Idle keep-alive connections outlive the ALB's idle timeout: the ALB closes first, and never sends a
            // request on a socket the API is closing (a 502).
            HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: String(ALB_IDLE_TIMEOUT_SECONDS + 5),
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

    this.registerOutputs({ url: this.url, repositoryUrl: this.repository.repositoryUrl });
  }
}
