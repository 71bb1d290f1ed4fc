/**
 * What must hold of a pair's history whatever ran, in whatever order, with whatever failed: the checks
 * the robustness tests share. Each returns the problems it found (empty when all hold), so a failing
 * test prints every broken rule at once, with the pair it was found on.
 */
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { parseStateItem } from '../../lib/aws/dynamodb/state-items';
import { STATE_SORT_KEY, pairPartitionKey } from '../../lib/aws/dynamodb/table';
import { ServingState, TransitionKind, Verdict, pairKey, type KnownServingState, type PairId } from '../../lib/domain/model';
import { PublishStatus, judgedState, type StoredNotice, type StoredPair, type StoredTransition } from '../../lib/ports';
import type { Harness } from '../../local/harness';
import type { GeneratedPair, PublishedMessage } from '../../local/simulated-aws';

export function pairIdOf(pair: GeneratedPair): PairId {
  return { zoneId: pair.zoneId, name: pair.name, type: pair.type };
}

/** Oldest first, every transition the pair has. */
export async function historyOf(harness: Harness, pairId: PairId): Promise<StoredTransition[]> {
  return [...(await harness.store.listTransitions(pairId, 10_000))].reverse();
}

/** The stored state item as it is: a plain read, where the store's own loads may finish interrupted writes. */
export async function stateOf(harness: Harness, pairId: PairId): Promise<StoredPair | undefined> {
  const { Item } = await harness.clients.dynamo.send(
    new GetCommand({ TableName: harness.config.tableName, Key: { pk: pairPartitionKey(pairId), sk: STATE_SORT_KEY }, ConsistentRead: true }),
  );
  return Item === undefined ? undefined : parseStateItem(Item);
}

/** Every item in the table, as stored (for "nothing was written" checks). */
export async function tableItems(harness: Harness): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await harness.clients.dynamo.send(new ScanCommand({ TableName: harness.config.tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items.sort((a, b) => `${String(a['pk'])} ${String(a['sk'])}`.localeCompare(`${String(b['pk'])} ${String(b['sk'])}`));
}

const SIDES_OF_KIND: Readonly<Record<TransitionKind, (from: KnownServingState, to: KnownServingState) => boolean>> = {
  [TransitionKind.FAILOVER]: (from, to) => from === ServingState.PRIMARY && to === ServingState.SECONDARY,
  [TransitionKind.FAILBACK]: (from, to) => from === ServingState.SECONDARY && to === ServingState.PRIMARY,
  [TransitionKind.STANDBY_LOST]: (from, to) => from === ServingState.PRIMARY && to === ServingState.PRIMARY,
  [TransitionKind.STANDBY_RESTORED]: (from, to) => from === ServingState.PRIMARY && to === ServingState.PRIMARY,
  [TransitionKind.ALL_UNHEALTHY]: (from, to) => from !== ServingState.ALL_UNHEALTHY && to === ServingState.ALL_UNHEALTHY,
  [TransitionKind.ALL_UNHEALTHY_CLEARED]: (from, to) => from === ServingState.ALL_UNHEALTHY && to !== ServingState.ALL_UNHEALTHY,
};

/**
 * The history is a chain: sequences 1..n with no gap and no duplicate, each transition starts where the
 * previous one ended, its kind names the move it made, time never runs backwards along it, and the
 * stored state is where the last one left the pair (or, with none, a first observation).
 */
export function historyProblems(pairId: PairId, history: readonly StoredTransition[], stored: StoredPair | undefined): string[] {
  const state = judgedState(stored);
  const key = pairKey(pairId);
  const problems: string[] = [];
  const ids = new Set<string>();
  history.forEach((t, index) => {
    const where = `${key} #${t.sequence} ${t.kind}`;
    if (t.sequence !== index + 1) problems.push(`${where}: sequence ${t.sequence} at position ${index + 1} (gap or duplicate)`);
    if (t.id !== `${key}#${t.sequence}`) problems.push(`${where}: id ${t.id}`);
    if (ids.has(t.id)) problems.push(`${where}: id recorded twice`);
    ids.add(t.id);
    if (!SIDES_OF_KIND[t.kind](t.from, t.to)) problems.push(`${where}: ${t.from} → ${t.to} is not a ${t.kind}`);
    if (t.stateAfter.sequence !== t.sequence || t.stateAfter.serving !== t.to) {
      problems.push(`${where}: stateAfter is #${t.stateAfter.sequence} ${t.stateAfter.serving}`);
    }
    if (t.kind === TransitionKind.STANDBY_LOST && t.stateAfter.secondaryVerdict !== Verdict.UNHEALTHY) problems.push(`${where}: secondary ${t.stateAfter.secondaryVerdict} after`);
    if (t.kind === TransitionKind.STANDBY_RESTORED && t.stateAfter.secondaryVerdict !== Verdict.HEALTHY) problems.push(`${where}: secondary ${t.stateAfter.secondaryVerdict} after`);
    const previous = history[index - 1];
    if (previous === undefined) return;
    if (t.from !== previous.to) problems.push(`${where}: starts from ${t.from} but #${previous.sequence} ended on ${previous.to}`);
    if (Date.parse(t.observedAt) < Date.parse(previous.observedAt)) problems.push(`${where}: observed ${t.observedAt}, before #${previous.sequence} (${previous.observedAt})`);
    const secondaryBefore = previous.stateAfter.secondaryVerdict;
    if (t.kind === TransitionKind.STANDBY_LOST && secondaryBefore === Verdict.UNHEALTHY) problems.push(`${where}: the standby was already lost`);
    if (t.kind === TransitionKind.STANDBY_RESTORED && secondaryBefore === Verdict.HEALTHY) problems.push(`${where}: the standby was never lost`);
  });
  const last = history.at(-1);
  if (state === undefined) {
    if (last !== undefined) problems.push(`${key}: ${history.length} transitions but no stored state`);
    return problems;
  }
  if (state.sequence !== history.length) problems.push(`${key}: stored state is at sequence ${state.sequence}, history has ${history.length}`);
  if (last !== undefined) {
    const after = last.stateAfter;
    if (state.serving !== after.serving || state.servingSince !== after.servingSince) {
      problems.push(`${key}: stored state serves ${state.serving} since ${state.servingSince}, last transition left ${after.serving} since ${after.servingSince}`);
    }
  }
  return problems;
}

export interface DeliveryExpectation {
  /** Every transition that is sent on its own has been sent by now (SNS is up and nothing else failed). */
  readonly allSent: boolean;
}

/**
 * Every transition sent on its own is published exactly once, with its id as the `transitionId`
 * attribute and the SNS message id on its record; held and silenced ones are never sent on their own;
 * no message is sent twice for the same id (transition or notice).
 */
export function deliveryProblems(
  pairId: PairId,
  history: readonly StoredTransition[],
  published: readonly PublishedMessage[],
  expectation: DeliveryExpectation,
  notices: readonly StoredNotice[] = [],
): string[] {
  const problems: string[] = [];
  const byId = new Map<string, PublishedMessage[]>();
  for (const message of published) {
    // Notices (reminders, flapping, ...) carry their id as `noticeId`; transitions as `transitionId`.
    const id = message.attributes['transitionId'] ?? message.attributes['noticeId'];
    if (id === undefined) continue;
    byId.set(id, [...(byId.get(id) ?? []), message]);
  }
  for (const [id, messages] of byId) {
    if (id.startsWith(`${pairKey(pairId)}#`) && messages.length > 1) problems.push(`${id}: published ${messages.length} times (${messages.map((m) => m.messageId).join(', ')})`);
  }
  for (const t of history) {
    const sent = byId.get(t.id) ?? [];
    const where = `${t.id} ${t.kind} (${t.publishStatus})`;
    switch (t.publishStatus) {
      case PublishStatus.PUBLISHED:
        if (sent.length !== 1) problems.push(`${where}: marked published, sent ${sent.length} times`);
        else if (sent[0]?.messageId !== t.snsMessageId) problems.push(`${where}: records message ${t.snsMessageId}, SNS sent ${sent[0]?.messageId}`);
        break;
      case PublishStatus.PENDING:
        if (expectation.allSent) problems.push(`${where}: still pending`);
        if (sent.length > 0) problems.push(`${where}: sent ${sent.length} times but still pending`);
        break;
      default:
        if (sent.length > 0) problems.push(`${where}: sent on its own ${sent.length} times`);
    }
  }
  for (const n of notices) {
    const sent = byId.get(n.id) ?? [];
    const where = `${n.id} (${n.publishStatus})`;
    if (n.publishStatus === PublishStatus.PUBLISHED && (sent.length !== 1 || sent[0]?.messageId !== n.snsMessageId)) problems.push(`${where}: marked published as ${n.snsMessageId}, sent ${sent.length} times`);
    if (n.publishStatus === PublishStatus.PENDING && (expectation.allSent || sent.length > 0)) problems.push(`${where}: still pending, sent ${sent.length} times`);
  }
  return problems;
}
