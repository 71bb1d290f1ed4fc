/**
 * The local Route 53 stand-in (npm run local-aws, the bench) pages each listing as the Route 53 API
 * reference says, and the adapter asks each for its largest page:
 * - ListHostedZones: "Amazon Route 53 returns a maximum of 100 items in each response ... use the maxitems
 *   parameter to list them in groups of up to 100" (API_ListHostedZones);
 * - ListResourceRecordSets: "returns up to 300 resource record sets at a time" (API_ListResourceRecordSets);
 * - ListHealthChecks: "Amazon Route 53 returns a maximum of 1000 items. If you set MaxItems to a value
 *   greater than 1000, Route 53 returns only the first 1000 health checks" (API_ListHealthChecks).
 * With MaxItems absent the stand-in answers 100 (the current reference states no default; older versions
 * say 100 for each, and the adapter never leaves it out).
 */
import { ListHealthChecksCommand, ListHostedZonesCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { Route53InventorySource } from '../../lib/aws/route53/inventory';
import { createRoute53Client } from '../../lib/aws/sdk-clients';
import { ListingPhase, ListingScope } from '../../lib/ports';
import type { RunningServer } from '../../local/stand-ins/http';
import { startRoute53StandIn } from '../../local/stand-ins/route53-server';
import { Traffic } from '../../local/stand-ins/traffic';
import { generatedAccount } from '../../local/simulated-aws';

describe('Route 53 stand-in: pages as the API reference caps them', () => {
  const traffic = new Traffic();
  let server: RunningServer;
  let client: ReturnType<typeof createRoute53Client>;
  let zoneId: string;

  beforeAll(async () => {
    // 2,500 checks, 1,250 pairs: 250 zones of 5 pairs (12 record sets each with NS and SOA), and one zone of 400 pairs for the record pages.
    const { account } = generatedAccount({ healthChecks: 2_500, pairsPerZone: 5 });
    // Its records name checks of another account: only their pages matter here.
    const big = generatedAccount({ healthChecks: 800, pairsPerZone: 400 }).account.zones[0]!;
    zoneId = 'ZBIGZONE';
    account.addZone({ ...big, id: zoneId });
    server = await startRoute53StandIn(account, traffic, { requestsPerSecond: 200, statusBurst: 4, statusPerSecond: 1, latency: { minMs: 0, maxMs: 0 }, seed: 1 });
    client = createRoute53Client({ endpoint: server.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, requestsPerSecond: 200, maxAttempts: 1 });
  });

  afterAll(async () => {
    client.destroy();
    await server.stop();
  });

  it.each([
    [undefined, 100],
    [10, 10],
    [1_000, 1_000],
    [5_000, 1_000],
  ])('ListHealthChecks MaxItems %p → a page of %i, with the marker of the next', async (maxItems, size) => {
    const page = await client.send(new ListHealthChecksCommand(maxItems === undefined ? {} : { MaxItems: maxItems }));
    expect(page.HealthChecks).toHaveLength(size);
    expect(page.IsTruncated).toBe(true);
    expect(page.NextMarker).toBe(String(size));
  });

  it.each([
    [undefined, 100],
    [10, 10],
    [100, 100],
    [101, 100],
    [1_000, 100],
  ])('ListHostedZones MaxItems %p → a page of %i', async (maxItems, size) => {
    const page = await client.send(new ListHostedZonesCommand(maxItems === undefined ? {} : { MaxItems: maxItems }));
    expect(page.HostedZones).toHaveLength(size);
    expect(page.IsTruncated).toBe(true);
  });

  it.each([
    [undefined, 100],
    [10, 10],
    [300, 300],
    [301, 300],
    [1_000, 300],
  ])('ListResourceRecordSets MaxItems %p → a page of %i', async (maxItems, size) => {
    const page = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, ...(maxItems === undefined ? {} : { MaxItems: maxItems }) }));
    expect(page.ResourceRecordSets).toHaveLength(size);
    expect(page.IsTruncated).toBe(true);
  });

  it('the adapter asks for the largest pages: 2,500 checks in 3 requests, 251 zones in 3, the 802 record sets of the big zone in 3', async () => {
    const count = (operation: string) => traffic.snapshot().services.route53[operation]?.requests ?? 0;
    const before = { checks: count('ListHealthChecks'), zones: count('ListHostedZones'), records: count('ListResourceRecordSets') };
    const step = await new Route53InventorySource(client, { zoneIds: [] }).continueListing(undefined, () => false, ListingScope.ALL);
    expect(step.failure).toBeUndefined();
    expect(step.cursor.phase).toBe(ListingPhase.DONE);
    expect(step.piece.healthChecks).toHaveLength(2_500);
    expect(step.cursor.zones).toHaveLength(251);
    expect(count('ListHealthChecks') - before.checks).toBe(3);
    expect(count('ListHostedZones') - before.zones).toBe(3);
    // 250 small zones of one page each, and the big one (2 × 400 + NS + SOA = 802 records) in pages of 300.
    expect(count('ListResourceRecordSets') - before.records).toBe(250 + 3);
  });
});
