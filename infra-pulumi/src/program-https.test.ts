// The program with a certificate and a domain name: HTTPS on 443, port 80 redirecting, and an https apiUrl.
import { BASE_CONFIG, CERTIFICATE_ARN, installMocks, ofType, settle, single, value, type RecordedResource } from './testing/pulumi-mocks';
import type * as Program from './index';

let resources: RecordedResource[];
let program: typeof Program;

beforeAll(async () => {
  resources = await installMocks({ ...BASE_CONFIG, certificateArn: CERTIFICATE_ARN, domainName: 'pecunia.example.com' });
  program = await import('./index');
  await settle();
});

const listenerOn = (port: number) => {
  const found = ofType(resources, 'aws:lb/listener:Listener').find((listener) => listener.inputs.port === port);
  if (!found) throw new Error(`no listener on ${port}`);
  return found;
};

it('listens on 443 with the certificate and a TLS 1.3 policy, forwarding to the API’s target group', () => {
  const https = listenerOn(443);

  expect(ofType(resources, 'aws:lb/listener:Listener')).toHaveLength(2);
  expect(https.inputs).toMatchObject({
    protocol: 'HTTPS',
    certificateArn: CERTIFICATE_ARN,
    sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    defaultActions: [{ type: 'forward', targetGroupArn: expect.stringMatching(/:TargetGroup\/api$/) }],
  });
});

it('turns port 80 into a permanent redirect to https on 443', () => {
  expect(listenerOn(80).inputs).toMatchObject({
    protocol: 'HTTP',
    defaultActions: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
  });
});

it('opens 443 (and 80, for the redirect) on the load balancer to anyone', () => {
  const ingress = Object.fromEntries(ofType(resources, 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule').map((rule) => [rule.name, rule.inputs]));

  expect(ingress['api-alb-https']).toMatchObject({ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0' });
  expect(ingress['api-alb-http']).toMatchObject({ fromPort: 80, toPort: 80 });
});

it('makes apiUrl and the task’s PUBLIC_BASE_URL https on the domain name', async () => {
  const [container] = JSON.parse(single(resources, 'aws:ecs/taskDefinition:TaskDefinition').inputs.containerDefinitions as string) as {
    environment: { name: string; value: string }[];
  }[];

  await expect(value(program.apiUrl)).resolves.toBe('https://pecunia.example.com');
  expect(container?.environment.find((e) => e.name === 'PUBLIC_BASE_URL')?.value).toBe('https://pecunia.example.com');
});
