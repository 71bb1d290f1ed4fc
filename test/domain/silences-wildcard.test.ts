/**
 * A silence on the wildcard record `*.example.com` covers its pair, which Route 53 lists as
 * `\052.example.com.` (Route 53 Developer Guide, "DNS domain name format"; the mapping keeps the escape).
 */
import { buildPairs, toRecordSet } from '../../lib/aws/route53/mapping';
import { cliProbe } from '../support/cli';
import { loadWatchConfig } from '../../lib/runtime/config';
import { activeSilence, type Silence } from '../../lib/domain/silences';
import type { SilenceStore } from '../../lib/ports';
import { FixedClock } from '../../local/fixed-clock';

const NOW = new Date('2026-11-25T10:00:00.000Z');
const ZONE = { id: 'Z0EXAMPLE12345', name: 'example.com.' };
const IN_WINDOW = '2026-11-25T10:30:00.000Z';

/** The wildcard failover pair exactly as ListResourceRecordSets reports it. */
function wildcardPairId() {
  const records = [
    { Name: '\\052.example.com.', Type: 'A', SetIdentifier: 'primary', Failover: 'PRIMARY', TTL: 60, ResourceRecords: [{ Value: '10.0.0.1' }], HealthCheckId: 'hc-1' },
    { Name: '\\052.example.com.', Type: 'A', SetIdentifier: 'secondary', Failover: 'SECONDARY', TTL: 60, ResourceRecords: [{ Value: '10.0.1.1' }] },
  ].map((r) => toRecordSet(r as Parameters<typeof toRecordSet>[0]));
  const { pairs } = buildPairs(ZONE, records);
  expect(pairs).toHaveLength(1);
  return pairs[0]!.id;
}

class MemoryStore implements SilenceStore {
  readonly silences: Silence[] = [];
  async listSilences(): Promise<readonly Silence[]> {
    return this.silences;
  }
  async addSilence(silence: Silence): Promise<void> {
    this.silences.push(silence);
  }
  async endSilence(): Promise<boolean> {
    return false;
  }
}

describe('silencing the wildcard record *.example.com', () => {
  it('a CLI silence on *.example.com (accepted by the CLI) covers the wildcard pair Route 53 lists as \\052.example.com.', async () => {
    const store = new MemoryStore();
    const code = await cliProbe({ silences: store }, new FixedClock(NOW)).run('silence', '--record', '*.example.com', '--for', '2h', '--reason', 'DR drill', '--id', 's-0001');
    expect(code).toBe(0);
    expect(store.silences).toHaveLength(1);
    expect(activeSilence(store.silences, wildcardPairId(), IN_WINDOW)?.id).toBe('s-0001');
  });

  it('a FAILWATCH_SILENCES entry for *.example.com covers the wildcard pair', () => {
    const { silences } = loadWatchConfig({
      FAILWATCH_TABLE: 't',
      FAILWATCH_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:failwatch',
      FAILWATCH_SILENCES: JSON.stringify([{ id: 'wild', record: '*.example.com', until: '2026-11-25T12:00:00Z', reason: 'DR drill' }]),
    });
    expect(activeSilence(silences, wildcardPairId(), IN_WINDOW)?.id).toBe('wild');
  });
});
