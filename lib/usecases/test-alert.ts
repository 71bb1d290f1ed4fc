/**
 * `failwatch test-alert`: publishes, through the stage's real topic, the message a notification of the chosen
 * kind would be for a watched pair (or for a sample pair), marked TEST (lib/notify/render-test-alert.ts), so
 * email, Slack and filter policies can be checked end to end; then records it as a test, apart from every
 * pair's history, where no report counts it.
 */
import { FailoverRole, type FailoverPair, type PairId, type Severity, type Transition } from '../domain/model';
import { PairSelectionError, StoreError, describeError } from '../errors';
import { renderTestAlert, type TestAlertKind, type TestAlertPair } from '../notify/render-test-alert';
import type { Notifier } from '../ports';
import type { HistoryReader, StoredPairCatalog, TestAlert, TestAlertLog } from './console-ports';
import { catalogPairs, describeFilter, selectPairs, type PairFilter } from './pair-selection';
import { recordValues } from './publish';

export interface TestAlertDeps {
  readonly pairs: StoredPairCatalog;
  readonly history: HistoryReader;
  readonly notifier: Notifier;
  readonly testAlerts: TestAlertLog;
}

export interface TestAlertRequest extends PairFilter {
  readonly id: string;
  readonly kind: TestAlertKind;
  readonly severity?: Severity;
  readonly now: Date;
  readonly where: string;
}

/** Named when no --record is given: reserved names (RFC 2606 `.invalid`, RFC 5737 documentation addresses) that belong to nobody. */
export const SAMPLE_PAIR: TestAlertPair = {
  id: { zoneId: 'ZFAILWATCHTEST', name: 'test-alert.failwatch.invalid.', type: 'A' },
  zoneName: 'failwatch.invalid.',
  primaryValues: ['192.0.2.1'],
  secondaryValues: ['192.0.2.2'],
};

export async function sendTestAlert(deps: TestAlertDeps, request: TestAlertRequest): Promise<TestAlert> {
  const pair = request.record === undefined ? SAMPLE_PAIR : await watchedPair(deps, request);
  const sentAt = request.now.toISOString();
  const { notification, reference, severity } = renderTestAlert({ id: request.id, kind: request.kind, ...(request.severity ? { severity: request.severity } : {}), pair, at: sentAt });
  const { messageId } = await deps.notifier.publish(notification);
  const alert: TestAlert = { id: request.id, reference, kind: request.kind, severity, pairId: pair.id, subject: notification.subject, sentAt, snsMessageId: messageId };
  try {
    await deps.testAlerts.recordTestAlert(alert);
  } catch (error) {
    throw new StoreError(`Test alert ${request.id} was published (SNS message ${messageId}) but could not be recorded in the history: ${describeError(error)}`, false, { cause: error });
  }
  return alert;
}

/** The one recorded pair the request names, with its zone's name and the addresses of each side. */
async function watchedPair(deps: Pick<TestAlertDeps, 'pairs' | 'history'>, request: TestAlertRequest): Promise<TestAlertPair> {
  const matches = selectPairs(catalogPairs(await deps.pairs.listStoredPairs()), request, request.where);
  const [pair] = matches;
  if (pair === undefined || matches.length > 1) {
    const names = matches.map((p) => `${p.pairId.type} in ${p.pairId.zoneId}`).join(', ');
    throw new PairSelectionError(`${describeFilter(request)} names ${matches.length} pairs (${names}): add --type or --zone to pick one`);
  }
  if (pair.definition) return pairValues(pair.definition.pair);
  return { id: pair.pairId, zoneName: pair.pairId.zoneId, ...valuesFromHistory(pair.pairId, (await deps.history.readPairHistory(pair.pairId)).transitions) };
}

function pairValues(pair: FailoverPair): TestAlertPair {
  return { id: pair.id, zoneName: pair.zoneName, primaryValues: recordValues(pair.primary), secondaryValues: recordValues(pair.secondary) };
}

/** Without a stored definition: the addresses the recorded transitions name for each side. */
function valuesFromHistory(pairId: PairId, transitions: readonly Transition[]): Pick<TestAlertPair, 'primaryValues' | 'secondaryValues'> {
  const valuesOf = (role: FailoverRole) => {
    for (const t of [...transitions].reverse()) {
      if (t.to === role) return t.toValues;
      if (t.from === role) return t.fromValues;
    }
    return [`(no ${role.toLowerCase()} address recorded for ${pairId.name})`];
  };
  return { primaryValues: valuesOf(FailoverRole.PRIMARY), secondaryValues: valuesOf(FailoverRole.SECONDARY) };
}

