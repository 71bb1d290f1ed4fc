import {
  GetHostedZoneCommand,
  ListHealthChecksCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  NoSuchHostedZone,
  Route53Client,
  Route53ServiceException,
  type HealthCheck,
  type HealthCheckType,
  type ListResourceRecordSetsCommandInput,
  type ListResourceRecordSetsCommandOutput,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { Route53InventorySource } from '../../lib/aws/route53/inventory';
import { HealthSourceError } from '../../lib/errors';
import { ListingPhase, ListingScope, type ListingCursor, type ListingPiece } from '../../lib/ports';

const route53 = mockClient(Route53Client);
const meta = { $metadata: {} };

const a = (name: string, failover: 'PRIMARY' | 'SECONDARY', ip: string, extra: Partial<ResourceRecordSet> = {}): ResourceRecordSet => ({
  Name: name, Type: 'A', SetIdentifier: `${failover.toLowerCase()}-${ip}`, Failover: failover, TTL: 60, ResourceRecords: [{ Value: ip }], ...extra,
});

// Zone Z1 spans three pages of uneven size; its app pair is split between pages 1 and 2 at a
// NextRecordIdentifier, so only following all three markers finds the SECONDARY.
const z1Pages: Record<string, ListResourceRecordSetsCommandOutput> = {
  'Z1|||': {
    ...meta, IsTruncated: true, MaxItems: 3, NextRecordName: 'app.example.com.', NextRecordType: 'A', NextRecordIdentifier: 'secondary-10.0.1.1',
    ResourceRecordSets: [
      { Name: 'example.com.', Type: 'NS', TTL: 172800, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org.' }] },
      { Name: 'example.com.', Type: 'SOA', TTL: 900, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org. hostmaster. 1 7200 900 1209600 86400' }] },
      a('App.Example.com.', 'PRIMARY', '10.0.0.1', { HealthCheckId: 'hc-https' }),
    ],
  },
  'Z1|app.example.com.|A|secondary-10.0.1.1': {
    ...meta, IsTruncated: true, MaxItems: 2, NextRecordName: 'lonely.example.com.', NextRecordType: 'A', NextRecordIdentifier: 'primary-10.0.9.9',
    ResourceRecordSets: [a('app.example.com.', 'SECONDARY', '10.0.1.1'), { Name: '\\052.Example.com.', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'app.example.com' }] }],
  },
  'Z1|lonely.example.com.|A|primary-10.0.9.9': {
    ...meta, IsTruncated: false, MaxItems: 7,
    ResourceRecordSets: [
      a('lonely.example.com.', 'PRIMARY', '10.0.9.9'),
      { Name: 'api.example.com.', Type: 'A', SetIdentifier: 'api-primary', Failover: 'PRIMARY',
        AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: 'Dualstack.My-ELB-1.us-east-1.ELB.amazonaws.com', EvaluateTargetHealth: true } },
      { Name: 'api.example.com.', Type: 'A', SetIdentifier: 'api-secondary', Failover: 'SECONDARY',
        AliasTarget: { HostedZoneId: 'Z3AQBSTGFYJSTF', DNSName: 's3-website-us-east-1.amazonaws.com.', EvaluateTargetHealth: false } },
    ],
  },
  'Z2|||': {
    ...meta, IsTruncated: false, MaxItems: 100,
    ResourceRecordSets: [
      { ...a('dup.other.org.', 'PRIMARY', '10.1.0.1'), Type: 'AAAA' },
      { ...a('dup.other.org.', 'PRIMARY', '10.1.0.2'), Type: 'AAAA' },
      { ...a('dup.other.org.', 'SECONDARY', '10.1.0.3'), Type: 'AAAA' },
      a('only-secondary.other.org.', 'SECONDARY', '10.1.1.1'),
    ],
  },
};

const check = (id: string, config: HealthCheck['HealthCheckConfig']): HealthCheck => ({ Id: id, CallerReference: id, HealthCheckVersion: 1, HealthCheckConfig: config });
const healthCheckPages: Record<string, { HealthChecks: HealthCheck[]; NextMarker?: string }> = {
  '': {
    NextMarker: 'hc-page-2',
    HealthChecks: [
      check('hc-https', { Type: 'HTTPS', FullyQualifiedDomainName: 'App.example.com', Port: 443, ResourcePath: '/health' }),
      check('hc-calc', { Type: 'CALCULATED', ChildHealthChecks: ['hc-https', 'hc-tcp', 'hc-alarm'], HealthThreshold: 2, Inverted: true }),
    ],
  },
  'hc-page-2': {
    HealthChecks: [
      check('hc-alarm', { Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Region: 'us-east-1', Name: 'db-alarm' }, InsufficientDataHealthStatus: 'LastKnownStatus' }),
      check('hc-tcp', { Type: 'TCP', IPAddress: '192.0.2.10', Port: 5432, Disabled: true }),
      check('hc-future', { Type: 'FUTURE_TYPE' as HealthCheckType }),
    ],
  },
};

/** Serves record set pages by their start markers; records each request as sent. */
function serveRecordSets(pages: Record<string, ListResourceRecordSetsCommandOutput>, seen: ListResourceRecordSetsCommandInput[]): void {
  route53.on(ListResourceRecordSetsCommand).callsFake((input: ListResourceRecordSetsCommandInput) => {
    seen.push({ ...input });
    const key = [input.HostedZoneId, input.StartRecordName ?? '', input.StartRecordType ?? '', input.StartRecordIdentifier ?? ''].join('|');
    const page = pages[key];
    if (page === undefined) throw new Error(`no such page ${key}`);
    return page;
  });
}

let recordSetRequests: ListResourceRecordSetsCommandInput[];
let zoneMarkers: (string | undefined)[];
let healthCheckMarkers: (string | undefined)[];

beforeEach(() => {
  route53.reset();
  recordSetRequests = [];
  zoneMarkers = [];
  healthCheckMarkers = [];
  route53.on(ListHostedZonesCommand).callsFake((input: { Marker?: string; MaxItems?: number }) => {
    zoneMarkers.push(input.Marker);
    return input.Marker === undefined
      ? { ...meta, IsTruncated: true, NextMarker: 'zones-2', MaxItems: 1, Marker: '', HostedZones: [{ Id: '/hostedzone/Z1', Name: 'Example.COM.', CallerReference: '1' }] }
      : { ...meta, IsTruncated: false, MaxItems: 1, Marker: 'zones-2', HostedZones: [{ Id: '/hostedzone/Z2', Name: 'other.org', CallerReference: '2' }] };
  });
  route53.on(GetHostedZoneCommand, { Id: 'Z2' }).resolves({ ...meta, HostedZone: { Id: '/hostedzone/Z2', Name: 'other.org.', CallerReference: '2' } });
  route53.on(ListHealthChecksCommand).callsFake((input: { Marker?: string }) => {
    healthCheckMarkers.push(input.Marker);
    const page = healthCheckPages[input.Marker ?? ''];
    return { ...meta, IsTruncated: page?.NextMarker !== undefined, Marker: input.Marker ?? '', MaxItems: 2, ...page };
  });
  serveRecordSets(z1Pages, recordSetRequests);
});

const allZones = () => new Route53InventorySource(new Route53Client({}), { zoneIds: [] });

describe('Route53InventorySource', () => {
  it('reads every page of ListHostedZones, ListResourceRecordSets and ListHealthChecks by their markers, asking each for its largest page (100, 300, 1,000)', async () => {
    const inventory = await allZones().loadInventory();
    expect(zoneMarkers).toEqual([undefined, 'zones-2']);
    expect(healthCheckMarkers).toEqual([undefined, 'hc-page-2']);
    expect(recordSetRequests).toEqual([
      { HostedZoneId: 'Z1', MaxItems: 300 },
      { HostedZoneId: 'Z1', MaxItems: 300, StartRecordName: 'app.example.com.', StartRecordType: 'A', StartRecordIdentifier: 'secondary-10.0.1.1' },
      { HostedZoneId: 'Z1', MaxItems: 300, StartRecordName: 'lonely.example.com.', StartRecordType: 'A', StartRecordIdentifier: 'primary-10.0.9.9' },
      { HostedZoneId: 'Z2', MaxItems: 300 },
    ]);
    // A page of 2 where 1,000 were asked for is still followed: the size is asked for, never assumed.
    expect(route53.commandCalls(ListHealthChecksCommand).map((call) => call.args[0].input.MaxItems)).toEqual([1000, 1000]);
    expect(route53.commandCalls(ListHostedZonesCommand).map((call) => call.args[0].input.MaxItems)).toEqual([100, 100]);
    // Only what the pairs reach is kept (route53-mapping.test.ts): Z1's two pairs; Z2 has none.
    expect(inventory.recordSetsByZone.get('Z1')).toHaveLength(4);
    expect(inventory.recordSetsByZone.get('Z2')).toEqual([]);
    expect([...inventory.healthChecks.keys()]).toEqual(['hc-https', 'hc-calc', 'hc-alarm', 'hc-tcp']);
  });

  it('lists the health check definitions alone (for the discovery cache to keep the records): only ListHealthChecks calls', async () => {
    const { piece, cursor } = await allZones().continueListing(undefined, () => false, ListingScope.HEALTH_CHECKS);
    expect(cursor.phase).toBe(ListingPhase.DONE);
    expect(piece.healthChecks.map((check) => check.id)).toEqual(['hc-https', 'hc-calc', 'hc-alarm', 'hc-tcp']);
    expect(piece.skipped).toEqual([{ where: 'health check hc-future', reason: expect.stringMatching(/type FUTURE_TYPE/) }]);
    expect(route53.calls().map((call) => call.args[0].constructor.name)).toEqual(['ListHealthChecksCommand', 'ListHealthChecksCommand']);
  });

  it('stopped before every page and resumed from its cursor (through JSON, as the table keeps it), a listing gathers what one listing in one go does, one page a stretch', async () => {
    const whole = await allZones().continueListing(undefined, () => false);
    const callsInOneGo = route53.calls().length;
    route53.resetHistory();
    const pieces: ListingPiece[] = [];
    let cursor: ListingCursor | undefined;
    let stretches = 0;
    do {
      let pages = 0;
      const step = await allZones().continueListing(cursor, () => pages++ >= 1);
      expect(step.failure).toBeUndefined();
      pieces.push(step.piece);
      cursor = JSON.parse(JSON.stringify(step.cursor)) as ListingCursor;
      stretches += 1;
    } while (cursor.phase !== ListingPhase.DONE);
    // 2 health check pages, 2 zone pages, 3 + 1 record pages: one request a stretch, none repeated.
    expect(route53.calls()).toHaveLength(callsInOneGo);
    expect(stretches).toBe(callsInOneGo);
    expect(pieces.flatMap((piece) => piece.pairs)).toEqual(whole.piece.pairs);
    expect(pieces.flatMap((piece) => piece.healthChecks)).toEqual(whole.piece.healthChecks);
    expect(pieces.flatMap((piece) => piece.recordSetsByZone)).toEqual(whole.piece.recordSetsByZone);
    expect(pieces.flatMap((piece) => piece.skipped)).toEqual(whole.piece.skipped);
  });

  it('a call that fails mid-listing loses nothing gathered before it: the step carries the failure and a cursor at the failed page', async () => {
    route53.on(ListHostedZonesCommand).rejects(new Route53ServiceException({ name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' }));
    const step = await allZones().continueListing(undefined, () => false);
    expect(step.failure).toBeInstanceOf(HealthSourceError);
    expect(step.cursor).toMatchObject({ phase: ListingPhase.ZONES, zones: [] });
    expect(step.piece.healthChecks.map((check) => check.id)).toEqual(['hc-https', 'hc-calc', 'hc-alarm', 'hc-tcp']);
  });

  it('pairs a PRIMARY and SECONDARY found on different pages, with zone ids bare and names normalised', async () => {
    const { pairs } = await allZones().loadInventory();
    expect(pairs.map((p) => p.id)).toEqual([
      { zoneId: 'Z1', name: 'app.example.com.', type: 'A' },
      { zoneId: 'Z1', name: 'api.example.com.', type: 'A' },
    ]);
    expect(pairs[0]).toEqual({
      id: { zoneId: 'Z1', name: 'app.example.com.', type: 'A' },
      zoneName: 'example.com.',
      primary: { name: 'app.example.com.', type: 'A', setIdentifier: 'primary-10.0.0.1', failover: 'PRIMARY', healthCheckId: 'hc-https', values: ['10.0.0.1'] },
      secondary: { name: 'app.example.com.', type: 'A', setIdentifier: 'secondary-10.0.1.1', failover: 'SECONDARY', values: ['10.0.1.1'] },
    });
  });

  it('maps alias targets: normalised DNS name, target zone, EvaluateTargetHealth, and no values', async () => {
    const { pairs } = await allZones().loadInventory();
    const api = pairs[1];
    expect(api?.primary).toEqual({
      name: 'api.example.com.', type: 'A', setIdentifier: 'api-primary', failover: 'PRIMARY', values: [],
      alias: { dnsName: 'dualstack.my-elb-1.us-east-1.elb.amazonaws.com.', hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: true },
    });
    expect(api?.secondary.alias).toEqual({ dnsName: 's3-website-us-east-1.amazonaws.com.', hostedZoneId: 'Z3AQBSTGFYJSTF', evaluateTargetHealth: false });
  });

  it("keeps of a zone's record sets only the ones its pairs reach, in zone order, the same objects as the pairs'", async () => {
    const inventory = await allZones().loadInventory();
    const z1 = inventory.recordSetsByZone.get('Z1') ?? [];
    // Neither alias of the api pair evaluates an in-zone target, so nothing beyond the pairs is read.
    expect(z1.map((r) => `${r.name} ${r.type} ${r.setIdentifier ?? ''}`)).toEqual([
      'app.example.com. A primary-10.0.0.1', 'app.example.com. A secondary-10.0.1.1', 'api.example.com. A api-primary', 'api.example.com. A api-secondary',
    ]);
    expect(z1).toEqual(expect.arrayContaining(inventory.pairs.flatMap((pair) => [pair.primary, pair.secondary])));
  });

  it('reports every failover record it cannot pair in skipped, with the reason, instead of dropping it', async () => {
    const { skipped, pairs } = await allZones().loadInventory();
    expect(pairs.some((p) => p.id.zoneId === 'Z2')).toBe(false);
    // Health checks are listed first (so every zone listed after them can be judged at once).
    expect(skipped).toEqual([
      { where: 'health check hc-future', reason: expect.stringMatching(/type FUTURE_TYPE is not one Failwatch knows/) },
      { where: 'example.com. (Z1) lonely.example.com. A', reason: expect.stringMatching(/PRIMARY record "primary-10\.0\.9\.9" has no SECONDARY/) },
      { where: 'other.org. (Z2) dup.other.org. AAAA', reason: expect.stringMatching(/2 PRIMARY .* and 1 SECONDARY .*exactly one of each/) },
      { where: 'other.org. (Z2) only-secondary.other.org. A', reason: expect.stringMatching(/SECONDARY record "secondary-10\.1\.1\.1" has no PRIMARY/) },
    ]);
  });

  it('maps health check definitions: type, flags, children, threshold and a human target (not the insufficient-data rule: its outcome is in the metric)', async () => {
    const { healthChecks } = await allZones().loadInventory();
    expect(healthChecks.get('hc-https')).toEqual({
      id: 'hc-https', type: 'HTTPS', inverted: false, disabled: false, target: 'https://App.example.com:443/health', childHealthCheckIds: [], healthThreshold: 0,
    });
    expect(healthChecks.get('hc-calc')).toMatchObject({ type: 'CALCULATED', inverted: true, target: 'calculated (2 of 3)', childHealthCheckIds: ['hc-https', 'hc-tcp', 'hc-alarm'], healthThreshold: 2 });
    expect(healthChecks.get('hc-alarm')).toEqual(expect.objectContaining({ type: 'CLOUDWATCH_METRIC', target: 'alarm us-east-1/db-alarm' }));
    expect(healthChecks.get('hc-alarm')).not.toHaveProperty('insufficientDataHealthStatus');
    expect(healthChecks.get('hc-tcp')).toMatchObject({ type: 'TCP', disabled: true, target: 'tcp 192.0.2.10:5432' });
  });

  it('with FAILWATCH_ZONE_IDS set, reads only the listed zones (GetHostedZone for the name) and never lists all zones', async () => {
    serveRecordSets({ 'Z2|||': z1Pages['Z1|lonely.example.com.|A|primary-10.0.9.9'] as ListResourceRecordSetsCommandOutput }, recordSetRequests);
    const inventory = await new Route53InventorySource(new Route53Client({}), { zoneIds: ['/hostedzone/Z2', 'Z2'] }).loadInventory();
    expect(route53.commandCalls(ListHostedZonesCommand)).toHaveLength(0);
    expect(route53.commandCalls(GetHostedZoneCommand).map((c) => c.args[0].input)).toEqual([{ Id: 'Z2' }]);
    expect(recordSetRequests).toEqual([{ HostedZoneId: 'Z2', MaxItems: 300 }]);
    expect([...inventory.recordSetsByZone.keys()]).toEqual(['Z2']);
    expect(inventory.pairs.map((p) => [p.id.zoneId, p.zoneName, p.id.name])).toEqual([['Z2', 'other.org.', 'api.example.com.']]);
  });

  it('access denied on ListResourceRecordSets → HealthSourceError telling which permission to grant on which zone', async () => {
    route53.on(ListResourceRecordSetsCommand).rejects(
      new Route53ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'User is not authorized to perform: route53:ListResourceRecordSets' }),
    );
    const failure = allZones().loadInventory();
    await expect(failure).rejects.toThrow(HealthSourceError);
    await expect(failure).rejects.toThrow(/grant route53:ListResourceRecordSets on hostedzone\/Z1/);
    await expect(failure).rejects.toMatchObject({ retryable: false });
  });

  it('a listed zone that does not exist → HealthSourceError naming FAILWATCH_ZONE_IDS and the zone', async () => {
    route53.on(GetHostedZoneCommand, { Id: 'ZNOPE' }).rejects(new NoSuchHostedZone({ $metadata: { httpStatusCode: 404 }, message: 'No hosted zone found with ID: ZNOPE' }));
    const failure = new Route53InventorySource(new Route53Client({}), { zoneIds: ['ZNOPE'] }).loadInventory();
    await expect(failure).rejects.toThrow(/FAILWATCH_ZONE_IDS names zone ZNOPE which does not exist/);
    await expect(failure).rejects.toMatchObject({ name: 'HealthSourceError', retryable: false });
  });

  it('throttling that outlasts the retries → retryable HealthSourceError that points at FAILWATCH_ROUTE53_RPS', async () => {
    route53.on(ListHealthChecksCommand).rejects(
      new Route53ServiceException({ name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400, attempts: 5 }, message: 'Rate exceeded' }),
    );
    const failure = allZones().loadInventory();
    await expect(failure).rejects.toThrow(/Route 53 kept throttling ListHealthChecks \(Throttling: Rate exceeded \(HTTP 400, 5 attempts\)\).*FAILWATCH_ROUTE53_RPS/);
    await expect(failure).rejects.toMatchObject({ retryable: true });
  });

  it('a truncated record listing whose markers do not move on fails instead of looping forever', async () => {
    const stuck: ListResourceRecordSetsCommandOutput = { ...meta, IsTruncated: true, MaxItems: 1, NextRecordName: 'a.example.com.', NextRecordType: 'A', ResourceRecordSets: [] };
    serveRecordSets({ 'Z1|||': stuck, 'Z1|a.example.com.|A|': stuck }, recordSetRequests);
    await expect(allZones().loadInventory()).rejects.toThrow(/did not advance/);
    expect(recordSetRequests).toHaveLength(2);
  });
});
