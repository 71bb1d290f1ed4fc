/**
 * The short reference a message ends with: the same for an entry whatever renders it, different for
 * different entries, and the same in every version (an email sent today must be found by tomorrow's
 * `failwatch history`), so its values are written out here.
 */
import { decideTransitions } from '../../lib/domain/transitions';
import type { NotificationPayload } from '../../lib/notify/payload';
import { historyReference } from '../../lib/notify/reference';
import { renderTransition } from '../../lib/notify/render';
import { aPairState, aSide, anObservation } from '../support/domain-fixtures';

const PAIR = { zoneId: 'Z0EXAMPLE12345', name: 'app.example.com.', type: 'A' };

describe('historyReference', () => {
  it.each([
    [{ sequence: 3 }, 'JB3H-4T88'],
    [{ sequence: 4 }, '7BJJ-K1NE'],
    [{ noticeKey: 'REMINDER#2026-11-25T09:00:00.000Z#1' }, 'HVQK-RRPR'],
  ])('never changes between versions: %j → %s', (entry, reference) => {
    expect(historyReference(PAIR, entry)).toBe(reference);
  });

  it('is 8 characters a person cannot misread (no I, L, O or U), split 4-4', () => {
    for (let sequence = 1; sequence <= 200; sequence++) {
      expect(historyReference(PAIR, { sequence })).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    }
  });

  it('differs between entries of one pair, and between pairs that differ only in zone or type', () => {
    const references = new Set([
      ...Array.from({ length: 1_000 }, (_, index) => historyReference(PAIR, { sequence: index + 1 })),
      historyReference({ ...PAIR, zoneId: 'Z0OTHERZONE' }, { sequence: 1 }),
      historyReference({ ...PAIR, type: 'AAAA' }, { sequence: 1 }),
    ]);
    expect(references.size).toBe(1_002);
  });

  it('is the one a rendered transition carries, computed from the stored pair and sequence', () => {
    const t = decideTransitions(aPairState(), anObservation('SECONDARY', '2026-11-25T11:00:00.000Z', { primary: aSide('UNHEALTHY') })).transitions[0]!;
    const rendered = renderTransition(t, { zoneName: 'example.com.', primaryValues: ['10.0.0.1'], secondaryValues: ['10.0.1.1'] });
    expect((rendered.payload as NotificationPayload).reference).toBe(historyReference(t.pairId, { sequence: t.sequence }));
    expect(rendered.text).toContain(`Reference: ${historyReference(t.pairId, { sequence: t.sequence })}`);
  });
});
