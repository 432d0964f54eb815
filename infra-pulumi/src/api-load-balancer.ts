// The API's way in: an Application Load Balancer on port 80 and the security groups that let only it reach the tasks.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface ApiLoadBalancerOptions {
  vpcId: pulumi.Input<string>;
  /** At least two subnets in different zones, as an ALB requires. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The port the container listens on. */
  targetPort: number;
  healthCheckPath: string;
}

export class ApiLoadBalancer extends pulumi.ComponentResource {
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly targetGroup: aws.lb.TargetGroup;
  readonly listener: aws.lb.Listener;
  /** For the tasks: reachable from the load balancer only. */
  readonly taskSecurityGroup: aws.ec2.SecurityGroup;
  readonly dnsName: pulumi.Output<string>;

  constructor(name: string, options: ApiLoadBalancerOptions, opts?: pulumi.ComponentResourceOptions) {
    super('pecunia:index:ApiLoadBalancer', name, {}, opts);
    const child = { parent: this };

    // Rules as separate resources: the two groups refer to each other, which inline rules cannot express.
    const albGroup = new aws.ec2.SecurityGroup(`${name}-alb`, { vpcId: options.vpcId, description: 'Pecunia API load balancer' }, child);
    this.taskSecurityGroup = new aws.ec2.SecurityGroup(`${name}-task`, { vpcId: options.vpcId, description: 'Pecunia API tasks' }, child);
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-alb-http`,
      { securityGroupId: albGroup.id, ipProtocol: 'tcp', fromPort: 80, toPort: 80, cidrIpv4: '0.0.0.0/0', description: 'HTTP from anywhere' },
      child,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-alb-to-task`,
      {
        securityGroupId: albGroup.id,
        ipProtocol: 'tcp',
        fromPort: options.targetPort,
        toPort: options.targetPort,
        referencedSecurityGroupId: this.taskSecurityGroup.id,
        description: 'To the API tasks only',
      },
      child,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-task-from-alb`,
      {
        securityGroupId: this.taskSecurityGroup.id,
        ipProtocol: 'tcp',
        fromPort: options.targetPort,
        toPort: options.targetPort,
        referencedSecurityGroupId: albGroup.id,
        description: 'From the load balancer only',
      },
      child,
    );
    // HTTPS out only: ECR, DynamoDB, SQS, SSM, Google and Gemini are all HTTPS (DNS goes to the VPC resolver, which
    // security groups do not filter).
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-task-https`,
      { securityGroupId: this.taskSecurityGroup.id, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0', description: 'HTTPS to AWS and Google' },
      child,
    );

    this.loadBalancer = new aws.lb.LoadBalancer(
      name,
      {
        loadBalancerType: 'application',
        securityGroups: [albGroup.id],
        subnets: options.subnetIds,
        // Uploads of several 15 MB attachments over a slow link outlast the 60 s default.
        idleTimeout: 300,
        dropInvalidHeaderFields: true,
      },
      child,
    );
    this.targetGroup = new aws.lb.TargetGroup(
      name,
      {
        port: options.targetPort,
        protocol: 'HTTP',
        // Fargate tasks register by IP (awsvpc networking).
        targetType: 'ip',
        vpcId: options.vpcId,
        deregistrationDelay: 30,
        healthCheck: { path: options.healthCheckPath, matcher: '200', interval: 15, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
      },
      child,
    );
    this.listener = new aws.lb.Listener(
      name,
      { loadBalancerArn: this.loadBalancer.arn, port: 80, protocol: 'HTTP', defaultActions: [{ type: 'forward', targetGroupArn: this.targetGroup.arn }] },
      child,
    );
    this.dnsName = this.loadBalancer.dnsName;
    this.registerOutputs({ dnsName: this.dnsName });
  }
}
