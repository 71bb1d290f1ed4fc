/**
 * The local Route 53 stand-in (npm run local-aws, the bench) pages ListHealthChecks as the API reference
 * says: "Amazon Route 53 returns a maximum of 1000 items. If you set MaxItems to a value greater than 1000,
 * Route 53 returns only the first 1000 health checks", 100 when MaxItems is absent; and the adapter, asking
 * for 1,000 a page, reads 2,500 checks in 3 requests over real HTTP, within the request budget.
 */
import { ListHealthChecksCommand } from '@aws-sdk/client-route-53';
import { Route53InventorySource } from '../../lib/aws/route53/inventory';
import { createRoute53Client } from '../../lib/aws/sdk-clients';
import type { RunningServer } from '../../local/stand-ins/http';
import { startRoute53StandIn } from '../../local/stand-ins/route53-server';
import { Traffic } from '../../local/stand-ins/traffic';
import { generatedAccount } from '../../local/simulated-aws';

describe('Route 53 stand-in: ListHealthChecks pages', () => {
  const traffic = new Traffic();
  let server: RunningServer;
  let client: ReturnType<typeof createRoute53Client>;

  beforeAll(async () => {
    const { account } = generatedAccount({ healthChecks: 2_500 });
    server = await startRoute53StandIn(account, traffic, { requestsPerSecond: 50, statusBurst: 4, statusPerSecond: 1, latency: { minMs: 0, maxMs: 0 }, seed: 1 });
    client = createRoute53Client({ endpoint: server.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, requestsPerSecond: 50, maxAttempts: 1 });
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
  ])('MaxItems %p → a page of %i, with the marker of the next', async (maxItems, size) => {
    const page = await client.send(new ListHealthChecksCommand(maxItems === undefined ? {} : { MaxItems: maxItems }));
    expect(page.HealthChecks).toHaveLength(size);
    expect(page.IsTruncated).toBe(true);
    expect(page.NextMarker).toBe(String(size));
  });

  it('the adapter lists 2,500 definitions in 3 requests of up to 1,000', async () => {
    const before = traffic.snapshot().services.route53['ListHealthChecks']?.requests ?? 0;
    const { healthChecks } = await new Route53InventorySource(client, { zoneIds: [] }).listHealthChecks();
    expect(healthChecks.size).toBe(2_500);
    expect((traffic.snapshot().services.route53['ListHealthChecks']?.requests ?? 0) - before).toBe(3);
  });
});
