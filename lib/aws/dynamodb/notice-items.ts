/** Notices ↔ DynamoDB items in the pair's partition (sort key `N#<key>`), checked on the way back. */
import { Severity, type PairId, type Trigger } from '../../domain/model';
import { NoticeKind, type Notice } from '../../domain/notices';
import { StoreError } from '../../errors';
import { PublishStatus, type StoredNotice } from '../../ports';
import { type Item, KNOWN_SERVING_STATES, map, noticeSortKey, number, oneOf, optionalText, pairPartitionKey, PARTITION_KEY, SORT_KEY, text, texts, TransitionAttribute, TTL_ATTRIBUTE, whole } from './table';

const SECONDS_PER_DAY = 86_400;

/** A new, unpublished notice item; it expires with the history (`historyDays` after it was observed, never when 0). */
export function noticeItem(notice: Notice, historyDays: number): Item {
  const item: Item = {
    [PARTITION_KEY]: pairPartitionKey(notice.pairId),
    [SORT_KEY]: noticeSortKey(notice.key),
    id: notice.id,
    key: notice.key,
    pairId: { zoneId: notice.pairId.zoneId, name: notice.pairId.name, type: notice.pairId.type },
    kind: notice.kind,
    severity: notice.severity,
    observedAt: notice.observedAt,
    trigger: { ...notice.trigger },
    serving: notice.serving,
    servingSince: notice.servingSince,
    servingValues: [...notice.servingValues],
    lastedSeconds: notice.lastedSeconds,
    covers: notice.covers && { ...notice.covers },
    silence: notice.silence && { ...notice.silence },
    sideChanges: notice.sideChanges,
    windowSeconds: notice.windowSeconds,
    detail: notice.detail,
    [TransitionAttribute.PUBLISH_STATUS]: PublishStatus.PENDING,
  };
  if (historyDays > 0) {
    const observedMs = Date.parse(notice.observedAt);
    if (Number.isNaN(observedMs)) throw new StoreError(`Notice ${notice.id} has observedAt ${JSON.stringify(notice.observedAt)}, not an ISO date`, false);
    item[TTL_ATTRIBUTE] = Math.floor(observedMs / 1000) + historyDays * SECONDS_PER_DAY;
  }
  return item;
}

export function parseNoticeItem(item: Item): StoredNotice {
  const where = `notice item ${String(item[PARTITION_KEY])} ${String(item[SORT_KEY])}`;
  const pairId = map(item, 'pairId', where);
  const optional: Record<string, unknown> = {
    covers: item['covers'] === undefined ? undefined : coversOf(map(item, 'covers', where), `${where} covers`),
    silence: item['silence'] === undefined ? undefined : silenceOf(map(item, 'silence', where), `${where} silence`),
    sideChanges: item['sideChanges'] === undefined ? undefined : whole(item, 'sideChanges', where),
    windowSeconds: item['windowSeconds'] === undefined ? undefined : whole(item, 'windowSeconds', where),
    detail: optionalText(item, 'detail', where),
    snsMessageId: optionalText(item, TransitionAttribute.SNS_MESSAGE_ID, where),
    publishedAt: optionalText(item, TransitionAttribute.PUBLISHED_AT, where),
  };
  const notice: StoredNotice = {
    id: text(item, 'id', where),
    key: text(item, 'key', where),
    pairId: { zoneId: text(pairId, 'zoneId', where), name: text(pairId, 'name', where), type: text(pairId, 'type', where) } satisfies PairId,
    kind: oneOf(item, 'kind', Object.values(NoticeKind), where),
    severity: oneOf(item, 'severity', Object.values(Severity), where),
    observedAt: text(item, 'observedAt', where),
    trigger: map(item, 'trigger', where) as unknown as Trigger,
    serving: oneOf(item, 'serving', KNOWN_SERVING_STATES, where),
    servingSince: text(item, 'servingSince', where),
    servingValues: texts(item, 'servingValues', where),
    lastedSeconds: number(item, 'lastedSeconds', where),
    publishStatus: oneOf(item, TransitionAttribute.PUBLISH_STATUS, [PublishStatus.PENDING, PublishStatus.PUBLISHED], where),
  };
  return { ...notice, ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)) };
}

function coversOf(source: Item, where: string): NonNullable<Notice['covers']> {
  return {
    fromSequence: whole(source, 'fromSequence', where),
    toSequence: whole(source, 'toSequence', where),
    status: oneOf(source, 'status', ['HELD', 'SILENCED'] as const, where),
  };
}

function silenceOf(source: Item, where: string): NonNullable<Notice['silence']> {
  return { id: text(source, 'id', where), reason: text(source, 'reason', where), until: text(source, 'until', where) };
}
