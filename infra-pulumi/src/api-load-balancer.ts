// The API's way in: an Application Load Balancer (HTTP on 80, or HTTPS on 443 with 80 redirecting to it when a
// certificate is configured) and the security groups that let only it reach the tasks.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface ApiLoadBalancerOptions {
  vpcId: pulumi.Input<string>;
  /** At least two subnets in different zones, as an ALB requires. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The port the container listens on. */
  targetPort: number;
  healthCheckPath: string;
  /**
   * An ACM certificate in the stack's region. With it the load balancer serves HTTPS on 443 and port 80 only redirects
   * there; without it, plain HTTP on 80 (Google then accepts no redirect URI on this host).
   */
  certificateArn?: pulumi.Input<string>;
}

/** TLS 1.3, and 1.2 with forward-secret ciphers only. */
export const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';
/** How long the ALB keeps an idle connection: uploads of several 15 MB attachments over a slow link outlast 60 s. */
export const ALB_IDLE_TIMEOUT_SECONDS = 300;

export class ApiLoadBalancer extends pulumi.ComponentResource {
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly targetGroup: aws.lb.TargetGroup;
  /** The listener that forwards to the target group: HTTPS on 443 with a certificate, else HTTP on 80. */
  readonly listener: aws.lb.Listener;
  /** Port 80: forwards without a certificate, redirects to 443 with one. */
  readonly httpListener: aws.lb.Listener;
  readonly httpsListener?: aws.lb.Listener;
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
    if (options.certificateArn !== undefined) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-alb-https`,
        { securityGroupId: albGroup.id, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0', description: 'HTTPS from anywhere' },
        child,
      );
    }
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
        idleTimeout: ALB_IDLE_TIMEOUT_SECONDS,
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
    const forward = { type: 'forward', targetGroupArn: this.targetGroup.arn };
    if (options.certificateArn === undefined) {
      this.httpListener = new aws.lb.Listener(name, { loadBalancerArn: this.loadBalancer.arn, port: 80, protocol: 'HTTP', defaultActions: [forward] }, child);
      this.listener = this.httpListener;
    } else {
      this.httpsListener = new aws.lb.Listener(
        `${name}-https`,
        { loadBalancerArn: this.loadBalancer.arn, port: 443, protocol: 'HTTPS', sslPolicy: TLS_POLICY, certificateArn: options.certificateArn, defaultActions: [forward] },
        child,
      );
      // Same name as the plain-HTTP listener, so adding a certificate to a stack updates it in place.
      this.httpListener = new aws.lb.Listener(
        name,
        {
          loadBalancerArn: this.loadBalancer.arn,
          port: 80,
          protocol: 'HTTP',
          defaultActions: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
        },
        child,
      );
      this.listener = this.httpsListener;
    }
    this.dnsName = this.loadBalancer.dnsName;
    this.registerOutputs({ dnsName: this.dnsName });
  }
}
