/**
 * What the stand-ins saw, by service and operation: every HTTP request (retries included), the ones
 * answered `Throttling`, and the SDK invocations whose last attempt was throttled (nobody retried it).
 * The SDK sends the same `amz-sdk-invocation-id` header on every attempt of one call, which is how a
 * server can tell a retried throttle from one left unretried.
 */
export interface OperationCount {
  requests: number;
  throttled: number;
}

export type ServiceTraffic = Record<string, OperationCount>;

export const Service = { ROUTE53: 'route53', CLOUDWATCH: 'cloudwatch', DYNAMODB: 'dynamodb', SNS: 'sns', ELB: 'elb' } as const;
export type Service = (typeof Service)[keyof typeof Service];

export interface TrafficSnapshot {
  readonly services: Readonly<Record<Service, ServiceTraffic>>;
  /** Invocations whose most recent attempt was answered Throttling. */
  readonly throttledInvocations: number;
}

export class Traffic {
  private readonly services: Record<Service, ServiceTraffic> = { route53: {}, cloudwatch: {}, dynamodb: {}, sns: {}, elb: {} };
  /** invocation id → was its latest attempt throttled? Bounded: the bench forgets it between steps. */
  private readonly lastAttemptThrottled = new Map<string, boolean>();

  record(service: Service, operation: string, invocationId: string | undefined, throttled: boolean): void {
    const counts = (this.services[service][operation] ??= { requests: 0, throttled: 0 });
    counts.requests += 1;
    if (throttled) counts.throttled += 1;
    if (invocationId !== undefined) this.lastAttemptThrottled.set(invocationId, throttled);
  }

  snapshot(): TrafficSnapshot {
    return {
      services: structuredClone(this.services),
      throttledInvocations: [...this.lastAttemptThrottled.values()].filter(Boolean).length,
    };
  }

  /** Call between steps, once every call of the previous step has finished. */
  forgetInvocations(): void {
    this.lastAttemptThrottled.clear();
  }
}

/** What happened between two snapshots. */
export function trafficBetween(before: TrafficSnapshot, after: TrafficSnapshot): TrafficSnapshot {
  const services = {} as Record<Service, ServiceTraffic>;
  for (const service of Object.values(Service)) {
    const diff: ServiceTraffic = {};
    for (const [operation, counts] of Object.entries(after.services[service])) {
      const earlier = before.services[service][operation] ?? { requests: 0, throttled: 0 };
      const requests = counts.requests - earlier.requests;
      if (requests > 0) diff[operation] = { requests, throttled: counts.throttled - earlier.throttled };
    }
    services[service] = diff;
  }
  return { services, throttledInvocations: after.throttledInvocations };
}

export function totalRequests(traffic: ServiceTraffic, operations?: readonly string[]): number {
  return Object.entries(traffic)
    .filter(([operation]) => operations === undefined || operations.includes(operation))
    .reduce((sum, [, counts]) => sum + counts.requests, 0);
}

export function totalThrottled(traffic: ServiceTraffic): number {
  return Object.values(traffic).reduce((sum, counts) => sum + counts.throttled, 0);
}
