/**
 * The Route 53, CloudWatch and Elastic Load Balancing clients, configured once: region, the retries and
 * timeouts every client shares (lib/aws/client-config.ts), Route 53's request budgets, the managed-alarm
 * write budget and Elastic Load Balancing's. Endpoints come only from the SDK's standard variables
 * (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_ROUTE_53, AWS_ENDPOINT_URL_CLOUDWATCH,
 * AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2, AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING) unless a caller passes `endpoint`.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Route53Client } from '@aws-sdk/client-route-53';
import type { FinalizeHandlerArguments, FinalizeRequestMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { countRoute53Throttle } from '../runtime/invocation';
import { clientConfig, type AwsClientOptions } from './client-config';
import type { LoadBalancerClients } from './elb/directory';
import { attachRequestBudget, RequestBudget } from './request-budget';
import { isThrottled, sdkErrorFacts } from './sdk-errors';

/** Route 53 is a global service signed for us-east-1; `HealthCheckStatus` metrics exist only there. */
export const ROUTE53_REGION = 'us-east-1';
export const HEALTH_METRICS_REGION = 'us-east-1';

export const ROUTE53_BUDGET_DEFAULTS = { requestsPerSecond: 5, burst: 1 } as const;
/** AWS documents GetHealthCheckStatus at a burst of 4, then 1 call a second. */
export const STATUS_BUDGET_DEFAULTS = { requestsPerSecond: 1, burst: 4 } as const;
/**
 * Managed-alarm writes (PutMetricAlarm, DeleteAlarms): CloudWatch's quota for PutMetricAlarm is 3 a
 * second for the whole account and region; Failwatch takes 2, leaving the rest to deployment tools, so
 * the first reconcile of thousands of alarms spreads over sweeps instead of throttling everyone.
 */
export const ALARM_WRITE_BUDGET_DEFAULTS = { requestsPerSecond: 2, burst: 1 } as const;

export interface Route53ClientOptions extends AwsClientOptions {
  /** This function's share of the account-wide Route 53 request rate (FAILWATCH_ROUTE53_RPS). */
  readonly requestsPerSecond?: number;
  readonly burst?: number;
  /** GetHealthCheckStatus's own rate (FAILWATCH_STATUS_RPS), on top of the shared budget. */
  readonly statusRequestsPerSecond?: number;
  readonly statusBurst?: number;
  /** Pass budgets to share them between clients, or to observe them in tests. */
  readonly budget?: RequestBudget;
  readonly statusBudget?: RequestBudget;
}

export function createRoute53Client(options: Route53ClientOptions = {}): Route53Client {
  const client = new Route53Client({ ...clientConfig(options), region: ROUTE53_REGION });
  const budget =
    options.budget ??
    new RequestBudget({
      requestsPerSecond: options.requestsPerSecond ?? ROUTE53_BUDGET_DEFAULTS.requestsPerSecond,
      burst: options.burst ?? ROUTE53_BUDGET_DEFAULTS.burst,
    });
  const statusBudget =
    options.statusBudget ??
    new RequestBudget({
      requestsPerSecond: options.statusRequestsPerSecond ?? STATUS_BUDGET_DEFAULTS.requestsPerSecond,
      burst: options.statusBurst ?? STATUS_BUDGET_DEFAULTS.burst,
    });
  // The stack runs the later-attached of two `after retryMiddleware` entries first: a status call waits
  // on its own budget before it takes a shared token, so no shared token is spent on a call still waiting.
  attachRequestBudget(client, budget, { name: 'failwatchRoute53Budget' });
  attachRequestBudget(client, statusBudget, { name: 'failwatchStatusBudget', commandNames: ['GetHealthCheckStatusCommand'] });
  countThrottledAttempts(client, countRoute53Throttle);
  return client;
}

/**
 * Calls `count` for every attempt answered `Throttling`, retried ones included: inside the SDK's retry
 * loop (right after `retryMiddleware`), where each attempt's parsed error passes on its way out.
 */
export function countThrottledAttempts<Input extends object, Output extends MetadataBearer>(client: { readonly middlewareStack: MiddlewareStack<Input, Output> }, count: () => void): void {
  const middleware: FinalizeRequestMiddleware<Input, Output> = (next) => async (args: FinalizeHandlerArguments<Input>) => {
    try {
      return await next(args);
    } catch (error) {
      if (isThrottled(sdkErrorFacts(error))) count();
      throw error;
    }
  };
  client.middlewareStack.addRelativeTo(middleware, { name: 'failwatchThrottleCount', relation: 'after', toMiddleware: 'retryMiddleware' });
}

export interface CloudWatchClientOptions extends AwsClientOptions {
  /** Paces PutMetricAlarm and DeleteAlarms attempts (retries included); GetMetricData is never held back by it. */
  readonly alarmWriteBudget?: RequestBudget;
}

export function createCloudWatchClient(options: CloudWatchClientOptions = {}): CloudWatchClient {
  const client = new CloudWatchClient({ ...clientConfig(options), region: HEALTH_METRICS_REGION });
  attachRequestBudget(client, options.alarmWriteBudget ?? new RequestBudget(ALARM_WRITE_BUDGET_DEFAULTS), {
    name: 'failwatchAlarmWriteBudget',
    commandNames: ['PutMetricAlarmCommand', 'DeleteAlarmsCommand'],
  });
  return client;
}

/**
 * Describing load balancers (discovery only, then cached): Failwatch's own pace per region, shared by the
 * v2 and Classic clients, so a first discovery of many balancers leaves the account's ELB API rate to
 * deployment tools and load balancer controllers.
 */
export const ELB_BUDGET_DEFAULTS = { requestsPerSecond: 5, burst: 5 } as const;

/** One client (or set of clients) per region, made on first use and kept for the container's life. */
export class RegionalClients<C> {
  private readonly clients = new Map<string, C>();

  constructor(
    private readonly create: (region: string) => C,
    private readonly destroyClients: (clients: C) => void,
  ) {}

  in(region: string): C {
    let clients = this.clients.get(region);
    if (clients === undefined) this.clients.set(region, (clients = this.create(region)));
    return clients;
  }

  destroy(): void {
    for (const clients of this.clients.values()) this.destroyClients(clients);
    this.clients.clear();
  }
}

/** The Elastic Load Balancing clients (v2 and Classic) of each region load balancers are in. */
export function createLoadBalancerClients(options: AwsClientOptions = {}): RegionalClients<LoadBalancerClients> {
  return new RegionalClients(
    (region) => {
      const budget = new RequestBudget(ELB_BUDGET_DEFAULTS);
      const v2 = new ElasticLoadBalancingV2Client({ ...clientConfig(options), region });
      const classic = new ElasticLoadBalancingClient({ ...clientConfig(options), region });
      attachRequestBudget(v2, budget, { name: 'failwatchElbBudget' });
      attachRequestBudget(classic, budget, { name: 'failwatchElbBudget' });
      return { v2, classic };
    },
    ({ v2, classic }) => {
      v2.destroy();
      classic.destroy();
    },
  );
}

/** CloudWatch clients in the regions load balancers are in (their metrics are there, not in us-east-1). GetMetricData only. */
export function createRegionalCloudWatchClients(options: AwsClientOptions = {}): RegionalClients<CloudWatchClient> {
  return new RegionalClients(
    (region) => new CloudWatchClient({ ...clientConfig(options), region }),
    (client) => client.destroy(),
  );
}
