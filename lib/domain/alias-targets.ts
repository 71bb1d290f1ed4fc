/**
 * What an alias outside the hosted zone points at, from its DNS name and hosted zone id alone: a load
 * balancer Failwatch can read (lib/domain/load-balancer-health.ts), or another AWS resource whose health
 * Route 53 evaluates but does not publish, with advice that lets Failwatch watch it after all.
 */
import type { AliasTarget } from './model';

export const LoadBalancerFamily = {
  /** Application and Classic Load Balancers share one form of DNS name and one canonical zone id per region. */
  APPLICATION_OR_CLASSIC: 'APPLICATION_OR_CLASSIC',
  NETWORK: 'NETWORK',
} as const;
export type LoadBalancerFamily = (typeof LoadBalancerFamily)[keyof typeof LoadBalancerFamily];

/** A load balancer an alias names, before anything is described: which one, and where. */
export interface LoadBalancerRef {
  readonly family: LoadBalancerFamily;
  readonly region: string;
  /** The load balancer's name: its DNS name's first label without `internal-` and the trailing id. */
  readonly name: string;
  /** Its DNS name as the load balancer reports it: lower case, without `dualstack.` or the trailing dot. */
  readonly dnsName: string;
}

export const AliasTargetKind = {
  LOAD_BALANCER: 'LOAD_BALANCER',
  API_GATEWAY: 'API_GATEWAY',
  S3_WEBSITE: 'S3_WEBSITE',
  VPC_ENDPOINT: 'VPC_ENDPOINT',
  GLOBAL_ACCELERATOR: 'GLOBAL_ACCELERATOR',
  CLOUDFRONT: 'CLOUDFRONT',
  ELASTIC_BEANSTALK: 'ELASTIC_BEANSTALK',
  OTHER: 'OTHER',
} as const;
export type AliasTargetKind = (typeof AliasTargetKind)[keyof typeof AliasTargetKind];

export type AliasTargetClass =
  | { readonly kind: typeof AliasTargetKind.LOAD_BALANCER; readonly loadBalancer: LoadBalancerRef }
  | { readonly kind: Exclude<AliasTargetKind, typeof AliasTargetKind.LOAD_BALANCER> };

/**
 * The canonical hosted zone ids of Elastic Load Balancing, per region (AWS General Reference, "Elastic
 * Load Balancing endpoints and quotas"): one for Application and Classic Load Balancers, one for Network
 * Load Balancers. A region missing here is told by its DNS name's form alone.
 */
const CANONICAL_ZONE_IDS: Readonly<Record<string, { readonly applicationOrClassic: string; readonly network: string }>> = {
  'af-south-1': { applicationOrClassic: 'Z268VQBMOI5EKX', network: 'Z203XCE67M25HM' },
  'ap-east-1': { applicationOrClassic: 'Z3DQVH9N71FHZ0', network: 'Z12Y7K3UBGUAD1' },
  'ap-northeast-1': { applicationOrClassic: 'Z14GRHDCWA56QT', network: 'Z31USIVHYNEOWT' },
  'ap-northeast-2': { applicationOrClassic: 'ZWKZPGTI48KDX', network: 'ZIBE1TIR4HY56' },
  'ap-northeast-3': { applicationOrClassic: 'Z5LXEXXYW11ES', network: 'Z1GWIQ4HH19I5X' },
  'ap-south-1': { applicationOrClassic: 'ZP97RAFLXTNZK', network: 'ZVDDRBQ08TROA' },
  'ap-southeast-1': { applicationOrClassic: 'Z1LMS91P8CMLE5', network: 'ZKVM4W9LS7TM' },
  'ap-southeast-2': { applicationOrClassic: 'Z1GM3OXH4ZPM65', network: 'ZCT6FZBF4DROD' },
  'ca-central-1': { applicationOrClassic: 'ZQSVJUPU6J1EY', network: 'Z2EPGBW3API2WT' },
  'eu-central-1': { applicationOrClassic: 'Z215JYRZR1TBD5', network: 'Z3F0SRJ5LGBH90' },
  'eu-north-1': { applicationOrClassic: 'Z23TAZ6LKFMNIO', network: 'Z1UDT6IFJ4EJM' },
  'eu-south-1': { applicationOrClassic: 'Z3ULH7SSC9OV64', network: 'Z23146JA1KNAFP' },
  'eu-west-1': { applicationOrClassic: 'Z32O12XQLNTSW2', network: 'Z2IFOLAFXWLO4F' },
  'eu-west-2': { applicationOrClassic: 'ZHURV8PSTC4K8', network: 'ZD4D7Y8KGAS4G' },
  'eu-west-3': { applicationOrClassic: 'Z3Q77PNBQS71R4', network: 'Z1CMS0P5QUZ6D5' },
  'me-south-1': { applicationOrClassic: 'ZS929ML54UICD', network: 'Z3QSRYVP46NYYV' },
  'sa-east-1': { applicationOrClassic: 'Z2P70J7HTTTPLU', network: 'ZTK26PT1VY4CU' },
  'us-east-1': { applicationOrClassic: 'Z35SXDOTRQ7X7K', network: 'Z26RNL4JYFTOTI' },
  'us-east-2': { applicationOrClassic: 'Z3AADJGX6KTTL2', network: 'ZLMOA37VPKANP' },
  'us-west-1': { applicationOrClassic: 'Z368ELLRRE2KJ0', network: 'Z24FKFUX50B4VW' },
  'us-west-2': { applicationOrClassic: 'Z1H1FL5HABSF5', network: 'Z18D5FSROUN65G' },
};

const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d+';
const LABEL = '(?:internal-)?([a-z0-9][a-z0-9-]*)-[a-z0-9]+';
/** `my-alb-1234567890.eu-west-1.elb.amazonaws.com` (Application and Classic). */
const APPLICATION_OR_CLASSIC_NAME = new RegExp(`^${LABEL}\\.(${REGION})\\.elb\\.amazonaws\\.com(?:\\.cn)?$`);
/** `my-nlb-0123456789abcdef.elb.eu-west-1.amazonaws.com` (Network). */
const NETWORK_NAME = new RegExp(`^${LABEL}\\.elb\\.(${REGION})\\.amazonaws\\.com(?:\\.cn)?$`);

/** Lower case, without the trailing dot, and without the `dualstack.` the console puts before a load balancer's name. */
export function canonicalTargetName(dnsName: string): string {
  return dnsName.trim().toLowerCase().replace(/\.$/, '').replace(/^dualstack\./, '');
}

/** The load balancer an alias names, or undefined when it names something else. */
export function parseLoadBalancerRef(alias: Pick<AliasTarget, 'dnsName' | 'hostedZoneId'>): LoadBalancerRef | undefined {
  const dnsName = canonicalTargetName(alias.dnsName);
  const zoneId = alias.hostedZoneId.replace(/^\/?hostedzone\//, '').toUpperCase();
  const network = NETWORK_NAME.exec(dnsName);
  const applicationOrClassic = network ? undefined : APPLICATION_OR_CLASSIC_NAME.exec(dnsName);
  const match = network ?? applicationOrClassic;
  if (!match) return undefined;
  const [, name = '', region = ''] = match;
  const byName = network ? LoadBalancerFamily.NETWORK : LoadBalancerFamily.APPLICATION_OR_CLASSIC;
  // Route 53 only accepts an alias whose zone id is the target's canonical one: where the table knows the
  // region, the zone id settles the family, and a zone id of neither family is not a load balancer's.
  const zones = CANONICAL_ZONE_IDS[region];
  const family = zones === undefined ? byName : zoneId === zones.network ? LoadBalancerFamily.NETWORK : zoneId === zones.applicationOrClassic ? LoadBalancerFamily.APPLICATION_OR_CLASSIC : undefined;
  if (family === undefined) return undefined;
  return { family, region, name, dnsName };
}

/** One key per load balancer, whatever the alias's spelling (`dualstack.`, case, trailing dot). */
export function loadBalancerKey(ref: Pick<LoadBalancerRef, 'dnsName'>): string {
  return ref.dnsName;
}

export function classifyAliasTarget(alias: Pick<AliasTarget, 'dnsName' | 'hostedZoneId'>): AliasTargetClass {
  const loadBalancer = parseLoadBalancerRef(alias);
  if (loadBalancer) return { kind: AliasTargetKind.LOAD_BALANCER, loadBalancer };
  const name = canonicalTargetName(alias.dnsName);
  if (/\.execute-api\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(name)) return { kind: AliasTargetKind.API_GATEWAY };
  if (/^s3-website[.-][a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(name)) return { kind: AliasTargetKind.S3_WEBSITE };
  if (/\.vpce\.amazonaws\.com(\.cn)?$/.test(name)) return { kind: AliasTargetKind.VPC_ENDPOINT };
  if (/\.awsglobalaccelerator\.com$/.test(name)) return { kind: AliasTargetKind.GLOBAL_ACCELERATOR };
  if (/\.cloudfront\.net$/.test(name)) return { kind: AliasTargetKind.CLOUDFRONT };
  if (/\.elasticbeanstalk\.com$/.test(name)) return { kind: AliasTargetKind.ELASTIC_BEANSTALK };
  return { kind: AliasTargetKind.OTHER };
}

export interface UnreadableTargetAdvice {
  /** What the target is, for a sentence: `an API Gateway API`. */
  readonly what: string;
  /** Why Route 53's evaluation of it cannot be read, or is of little use. */
  readonly why: string;
  /** A change after which Failwatch can watch the record. */
  readonly fix: string;
}

/**
 * Advice that works for a target whose health Failwatch cannot read: with Evaluate Target Health on, a
 * record with a health check of its own is healthy only when both are, so the check alone is not enough;
 * with it off, the record's health is the check's, whose HealthCheckStatus Failwatch reads.
 */
export function adviceForUnreadableTarget(alias: Pick<AliasTarget, 'dnsName' | 'hostedZoneId'>): UnreadableTargetAdvice {
  const target = canonicalTargetName(alias.dnsName);
  const ownCheck = (probe: string) =>
    `associate a Route 53 health check of its own with the record (${probe}) AND set Evaluate Target Health to No, so the record's health is that check's, which Failwatch reads`;
  const highlyAvailable = 'is highly available by design: the API reference says "EvaluateTargetHealth provides no operational benefit and Route 53 health checks are recommended instead for failover scenarios"';
  switch (classifyAliasTarget(alias).kind) {
    case AliasTargetKind.LOAD_BALANCER:
      return { what: `the load balancer ${target}`, why: 'its health was not read in this run', fix: 'see the reason given with the load balancer; Failwatch reads its target groups\' health every run' };
    case AliasTargetKind.API_GATEWAY:
      return { what: `the API Gateway API ${target}`, why: `API Gateway ${highlyAvailable}`, fix: ownCheck(`an HTTPS check on a path of the API that exercises what it depends on`) };
    case AliasTargetKind.S3_WEBSITE:
      return { what: `the S3 website endpoint ${target}`, why: `an S3 bucket ${highlyAvailable}`, fix: ownCheck('an HTTP check on the website') };
    case AliasTargetKind.VPC_ENDPOINT:
      return { what: `the VPC interface endpoint ${target}`, why: `a VPC interface endpoint ${highlyAvailable}`, fix: ownCheck('a CLOUDWATCH_METRIC check on an alarm of the service behind the endpoint, since Route 53 checkers cannot reach into the VPC') };
    case AliasTargetKind.GLOBAL_ACCELERATOR:
      return { what: `the Global Accelerator ${target}`, why: 'Route 53 does not publish the health it evaluates for an accelerator', fix: ownCheck("an HTTPS check on the accelerator's DNS name, or a CLOUDWATCH_METRIC check on an alarm of its endpoints") };
    case AliasTargetKind.CLOUDFRONT:
      return { what: `the CloudFront distribution ${target}`, why: 'the API reference says "You can\'t set EvaluateTargetHealth to true when the alias target is a CloudFront distribution"', fix: ownCheck('an HTTPS check on the distribution\'s domain name') };
    case AliasTargetKind.ELASTIC_BEANSTALK:
      return { what: `the Elastic Beanstalk environment ${target}`, why: 'Failwatch does not look up the load balancer inside an environment', fix: `alias the record to the environment's load balancer itself (its DNS name), which Failwatch reads, or ${ownCheck('an HTTPS check on the environment')}` };
    case AliasTargetKind.OTHER:
      return { what: target, why: 'Route 53 does not publish the health it evaluates for this target', fix: ownCheck('an HTTPS check on the endpoint, or a CLOUDWATCH_METRIC check on an alarm of what the target\'s health means') };
  }
}
