import { AliasTargetKind, adviceForUnreadableTarget, classifyAliasTarget, loadBalancerKey, parseLoadBalancerRef } from '../../lib/domain/alias-targets';
import { LOAD_BALANCER_DOCS, quoting } from './route53-guide';

describe(`parseLoadBalancerRef: the load balancer an alias names, from its DNS name and canonical zone id — ${quoting(LOAD_BALANCER_DOCS.classicDualstack)}`, () => {
  it.each([
    ['an Application (or Classic) Load Balancer in us-east-1, with dualstack.', 'dualstack.web-prod-1234567890.us-east-1.elb.amazonaws.com.', 'Z35SXDOTRQ7X7K', { family: 'APPLICATION_OR_CLASSIC', region: 'us-east-1', name: 'web-prod', dnsName: 'web-prod-1234567890.us-east-1.elb.amazonaws.com' }],
    ['an internal one in eu-west-1 (the name without internal-)', 'internal-api-987654321.eu-west-1.elb.amazonaws.com', 'Z32O12XQLNTSW2', { family: 'APPLICATION_OR_CLASSIC', region: 'eu-west-1', name: 'api', dnsName: 'internal-api-987654321.eu-west-1.elb.amazonaws.com' }],
    ['a Network Load Balancer in ap-southeast-2', 'edge-nlb-0123456789abcdef.elb.ap-southeast-2.amazonaws.com.', 'ZCT6FZBF4DROD', { family: 'NETWORK', region: 'ap-southeast-2', name: 'edge-nlb', dnsName: 'edge-nlb-0123456789abcdef.elb.ap-southeast-2.amazonaws.com' }],
    ['the zone id written as a path, the name in capitals', 'DualStack.WEB-1.US-WEST-2.ELB.AMAZONAWS.COM.', '/hostedzone/Z1H1FL5HABSF5', { family: 'APPLICATION_OR_CLASSIC', region: 'us-west-2', name: 'web', dnsName: 'web-1.us-west-2.elb.amazonaws.com' }],
    ["a region the table does not hold: the DNS name's form decides", 'mesh-0a1b2c.elb.il-central-1.amazonaws.com', 'Z09170902867EHPV2DABU', { family: 'NETWORK', region: 'il-central-1', name: 'mesh', dnsName: 'mesh-0a1b2c.elb.il-central-1.amazonaws.com' }],
    ["the Network Load Balancers' zone id settles the family where the table knows it", 'odd-123.us-east-1.elb.amazonaws.com', 'Z26RNL4JYFTOTI', { family: 'NETWORK', region: 'us-east-1', name: 'odd', dnsName: 'odd-123.us-east-1.elb.amazonaws.com' }],
  ] as const)('%s', (_case, dnsName, hostedZoneId, expected) => {
    expect(parseLoadBalancerRef({ dnsName, hostedZoneId })).toEqual(expected);
  });

  it.each([
    ["a load balancer's name with a zone id of neither family (CloudFront's)", 'web-1.eu-west-1.elb.amazonaws.com', 'Z2FDTNDATAQYW2'],
    ['a CloudFront distribution', 'd111111abcdef8.cloudfront.net.', 'Z2FDTNDATAQYW2'],
    ['a record in the zone', 'api.example.com.', 'Z0FAILWATCH'],
  ] as const)('%s → not a load balancer', (_case, dnsName, hostedZoneId) => {
    expect(parseLoadBalancerRef({ dnsName, hostedZoneId })).toBeUndefined();
  });

  it('one key per load balancer, however the alias spells it', () => {
    const keys = ['dualstack.web-1.us-east-1.elb.amazonaws.com.', 'WEB-1.us-east-1.elb.amazonaws.com'].map((dnsName) => loadBalancerKey(parseLoadBalancerRef({ dnsName, hostedZoneId: 'Z35SXDOTRQ7X7K' })!));
    expect(new Set(keys).size).toBe(1);
  });
});

describe('classifyAliasTarget: what else an alias outside the zone can point at', () => {
  it.each([
    ['d-abc123.execute-api.eu-west-1.amazonaws.com.', AliasTargetKind.API_GATEWAY, 'ZLY8HYME6SFDD'],
    ['s3-website-us-east-1.amazonaws.com.', AliasTargetKind.S3_WEBSITE, 'Z3AQBSTGFYJSTF'],
    ['s3-website.eu-central-1.amazonaws.com.', AliasTargetKind.S3_WEBSITE, 'Z21DNDUVLTQW6Q'],
    ['vpce-0123-abcd.vpce-svc-0123.us-east-1.vpce.amazonaws.com.', AliasTargetKind.VPC_ENDPOINT, 'Z7HUB22UULQXV'],
    ['a1234567890abcdef.awsglobalaccelerator.com.', AliasTargetKind.GLOBAL_ACCELERATOR, 'Z2BJ6XQ5FK7U4H'],
    ['d111111abcdef8.cloudfront.net.', AliasTargetKind.CLOUDFRONT, 'Z2FDTNDATAQYW2'],
    ['my-env.us-west-2.elasticbeanstalk.com.', AliasTargetKind.ELASTIC_BEANSTALK, 'Z38NKT9BP95V3O'],
    ['app.partner.example.net.', AliasTargetKind.OTHER, 'Z0PARTNER'],
    ['web-1.eu-west-1.elb.amazonaws.com.', AliasTargetKind.LOAD_BALANCER, 'Z32O12XQLNTSW2'],
  ] as const)('%s → %s', (dnsName, kind, hostedZoneId) => {
    expect(classifyAliasTarget({ dnsName, hostedZoneId }).kind).toBe(kind);
  });
});

describe(`adviceForUnreadableTarget: advice that works — ${quoting(LOAD_BALANCER_DOCS.highlyAvailable)}`, () => {
  it.each([
    ['an API Gateway API', 'd-abc123.execute-api.eu-west-1.amazonaws.com.'],
    ['an S3 website endpoint', 's3-website-us-east-1.amazonaws.com.'],
    ['a VPC interface endpoint', 'vpce-0123-abcd.vpce-svc-0123.us-east-1.vpce.amazonaws.com.'],
    ['a Global Accelerator', 'a1234567890abcdef.awsglobalaccelerator.com.'],
    ['a CloudFront distribution', 'd111111abcdef8.cloudfront.net.'],
    ['something else', 'app.partner.example.net.'],
  ] as const)('%s: a health check of its own AND Evaluate Target Health off (a check alone would still be combined with the unreadable target)', (_what, dnsName) => {
    expect(adviceForUnreadableTarget({ dnsName, hostedZoneId: 'Z0ANY' }).fix).toMatch(/health check of its own .* AND set Evaluate Target Health to No, so the record's health is that check's, which Failwatch reads$/);
  });

  it('the highly available targets say why, in the API reference\'s words', () => {
    for (const dnsName of ['d-abc123.execute-api.eu-west-1.amazonaws.com.', 's3-website-us-east-1.amazonaws.com.', 'vpce-1.vpce-svc-1.us-east-1.vpce.amazonaws.com.']) {
      expect(adviceForUnreadableTarget({ dnsName, hostedZoneId: 'Z0ANY' }).why).toContain('Route 53 health checks are recommended instead for failover scenarios');
    }
  });

  it(`CloudFront: ${quoting(LOAD_BALANCER_DOCS.cloudFront)}`, () => {
    expect(adviceForUnreadableTarget({ dnsName: 'd1.cloudfront.net.', hostedZoneId: 'Z2FDTNDATAQYW2' }).why).toContain(LOAD_BALANCER_DOCS.cloudFront.sentence.replace(/\.$/, ''));
  });

  it('an Elastic Beanstalk environment: alias its load balancer itself, which Failwatch reads', () => {
    expect(adviceForUnreadableTarget({ dnsName: 'my-env.us-west-2.elasticbeanstalk.com.', hostedZoneId: 'Z38NKT9BP95V3O' }).fix).toMatch(/^alias the record to the environment's load balancer itself/);
  });
});
