/**
 * The load balancer descriptions' cache: described once, kept for the discovery age, at most
 * `maxPerRun` described a run (new ones first, then the stalest), a kept description used while its
 * turn to be described again waits, an unreadable one asked again after a minute.
 */
import { parseLoadBalancerRef, type LoadBalancerRef } from '../lib/domain/alias-targets';
import type { LoadBalancerLookup } from '../lib/domain/load-balancer-health';
import type { LoadBalancerDirectory } from '../lib/ports';
import { CachedLoadBalancerDirectory } from '../lib/usecases/cached-load-balancers';
import { FixedClock } from '../local/fixed-clock';

const refs = (count: number, from = 0): LoadBalancerRef[] =>
  Array.from({ length: count }, (_, index) => parseLoadBalancerRef({ dnsName: `svc${from + index}-1.eu-west-1.elb.amazonaws.com`, hostedZoneId: 'Z32O12XQLNTSW2' })!);

/** Describes every balancer at once, counting who was asked for; `refuse` names the ones it cannot read. */
class RecordingDirectory implements LoadBalancerDirectory {
  readonly asked: string[][] = [];
  refuse = new Set<string>();

  describeLoadBalancers(asked: readonly LoadBalancerRef[]): Promise<ReadonlyMap<string, LoadBalancerLookup>> {
    this.asked.push(asked.map((ref) => ref.name));
    return Promise.resolve(
      new Map(
        asked.map((ref): [string, LoadBalancerLookup] => [
          ref.dnsName,
          this.refuse.has(ref.name)
            ? { kind: 'UNREADABLE', ref, reason: 'AccessDenied' }
            : { kind: 'DESCRIBED', description: { ref, type: 'APPLICATION', metricId: `app/${ref.name}/1`, availabilityZones: ['eu-west-1a'], crossZone: true, targetGroups: [] } },
        ]),
      ),
    );
  }
}

function setUp(options: { maxPerRun?: number } = {}) {
  const inner = new RecordingDirectory();
  const clock = new FixedClock(new Date('2026-11-25T08:00:00Z'));
  return { inner, clock, cached: new CachedLoadBalancerDirectory(inner, clock, { maxAgeSeconds: 900, ...options }) };
}

const kinds = (lookups: ReadonlyMap<string, LoadBalancerLookup>) => [...lookups.values()].map((lookup) => lookup.kind);

describe('CachedLoadBalancerDirectory', () => {
  it('describes each balancer once, and again only once its description is older than the discovery age', async () => {
    const { inner, clock, cached } = setUp();
    await cached.describeLoadBalancers(refs(2));
    clock.advanceSeconds(899);
    await cached.describeLoadBalancers(refs(2));
    expect(inner.asked).toEqual([['svc0', 'svc1']]);
    clock.advanceSeconds(1);
    await cached.describeLoadBalancers(refs(2));
    expect(inner.asked).toEqual([['svc0', 'svc1'], ['svc0', 'svc1']]);
  });

  it('a run describes at most maxPerRun balancers, new ones first; the others are UNKNOWN saying they wait, and come next', async () => {
    const { inner, cached } = setUp({ maxPerRun: 25 });
    const first = await cached.describeLoadBalancers(refs(30));
    expect(inner.asked[0]).toHaveLength(25);
    expect(kinds(first).filter((kind) => kind === 'DESCRIBED')).toHaveLength(25);
    expect([...first.values()].at(-1)).toMatchObject({ kind: 'UNREADABLE', reason: 'not described yet: a run describes at most 25 load balancers and 5 are waiting; the next runs describe them' });
    const second = await cached.describeLoadBalancers(refs(30));
    expect(inner.asked[1]).toEqual(['svc25', 'svc26', 'svc27', 'svc28', 'svc29']);
    expect(new Set(kinds(second))).toEqual(new Set(['DESCRIBED']));
  });

  it('descriptions due again are refreshed the stalest first, and judged from what is kept until their turn', async () => {
    const { inner, clock, cached } = setUp({ maxPerRun: 2 });
    await cached.describeLoadBalancers(refs(2));
    clock.advanceSeconds(60);
    await cached.describeLoadBalancers(refs(2, 2));
    clock.advanceSeconds(900);
    const lookups = await cached.describeLoadBalancers(refs(4));
    expect(inner.asked.at(-1)).toEqual(['svc0', 'svc1']);
    expect(new Set(kinds(lookups))).toEqual(new Set(['DESCRIBED']));
    await cached.describeLoadBalancers(refs(4));
    expect(inner.asked.at(-1)).toEqual(['svc2', 'svc3']);
  });

  it('one that could not be described is asked again after a minute, not every run', async () => {
    const { inner, clock, cached } = setUp();
    inner.refuse.add('svc0');
    await cached.describeLoadBalancers(refs(1));
    clock.advanceSeconds(59);
    expect(kinds(await cached.describeLoadBalancers(refs(1)))).toEqual(['UNREADABLE']);
    expect(inner.asked).toHaveLength(1);
    inner.refuse.clear();
    clock.advanceSeconds(1);
    expect(kinds(await cached.describeLoadBalancers(refs(1)))).toEqual(['DESCRIBED']);
  });
});
