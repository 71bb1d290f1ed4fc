/** A test alert of every kind: the real message for the kind, marked TEST, with its own id and reference. */
import { pairKey } from '../../lib/domain/model';
import { historyReference } from '../../lib/notify/reference';
import { readSnsMessageContent } from '../../lib/notify/payload-schema';
import { isTransitionKind, renderTestAlert, TEST_ALERT_KINDS } from '../../lib/notify/render-test-alert';

const PAIR = { id: { zoneId: 'Z0EXAMPLE12345', name: 'app.example.com.', type: 'A' }, zoneName: 'example.com.', primaryValues: ['10.0.0.1'], secondaryValues: ['10.0.1.1'] };
const AT = '2026-11-25T10:00:00.000Z';

describe('renderTestAlert', () => {
  it.each(TEST_ALERT_KINDS)('%s: TEST in the subject, the first line and the payload; the kind\'s attributes plus test=true', (kind) => {
    const { notification, reference, severity } = renderTestAlert({ id: 't-1', kind, pair: PAIR, at: AT });
    const id = `${pairKey(PAIR.id)}#TEST#t-1`;
    expect(notification.subject).toMatch(new RegExp(`^TEST ${kind} app\\.example\\.com A: `));
    expect(notification.subject.length).toBeLessThan(100);
    expect(notification.text.split('\n')[0]).toContain(`this is what a ${kind} would look like`);
    expect(notification.attributes).toEqual({ kind, severity, zone: 'Z0EXAMPLE12345', record: 'app.example.com', [isTransitionKind(kind) ? 'transitionId' : 'noticeId']: id, test: 'true' });
    expect(reference).toBe(historyReference(PAIR.id, { noticeKey: 'TEST#t-1' }));
    // The message ends with the test's own reference: quoting it can never find a real entry.
    expect(notification.text.trimEnd().endsWith(`Reference: ${reference} (${severity}).`)).toBe(true);
    expect(notification.text).not.toContain(historyReference(PAIR.id, { sequence: 0 }));
    expect(readSnsMessageContent(JSON.stringify(notification.payload))).toMatchObject({ kind: 'payload', payload: { test: true, id, reference, severity, kind } });
  });

  it('--severity overrides the kind\'s own, in the attributes, the payload and the text', () => {
    const { notification } = renderTestAlert({ id: 't-2', kind: 'FAILOVER', severity: 'info', pair: PAIR, at: AT });
    expect(notification.attributes['severity']).toBe('info');
    expect((notification.payload as { severity: string }).severity).toBe('info');
    expect(notification.text.trimEnd()).toMatch(/\(info\)\.$/);
  });

  it('a payload whose test flag is not a boolean is not a Failwatch notification', () => {
    const { notification } = renderTestAlert({ id: 't-3', kind: 'FAILOVER', pair: PAIR, at: AT });
    expect(readSnsMessageContent(JSON.stringify({ ...(notification.payload as object), test: 'yes' }))).toMatchObject({ kind: 'invalid-payload', problems: expect.stringContaining('test') });
  });
});
