/**
 * Notices ↔ DynamoDB items in the pair's partition (sort key `N#<key>`), checked on the way back: the
 * notice policy's (serving side, covered transitions, ...) and configuration notices (the risk, since
 * when), told apart by their kind. Also the pair's watch (what Failwatch said of its configuration, and
 * its checks that have had data), kept in the state item beside or without a serving state.
 */
import { ConfigNoticeKind, isConfigNotice, isConfigNoticeKind, type ConfigNotice, type ConfigWatch, type OpenConfigRisk } from '../../domain/config-notices';
import { ConfigRiskKind, ConfigRiskReason, type ConfigRisk } from '../../domain/config-risks';
import { FailoverRole, Severity, type PairId, type Trigger } from '../../domain/model';
import { NoticeKind, type Notice } from '../../domain/notices';
import type { PairWatch } from '../../domain/pair-watch';
import { StoreError } from '../../errors';
import { PublishStatus, type PairNotice, type StoredNotice } from '../../ports';
import { type Item, KNOWN_SERVING_STATES, malformed, map, noticeSortKey, number, oneOf, optionalText, pairPartitionKey, PARTITION_KEY, SORT_KEY, text, texts, TransitionAttribute, TTL_ATTRIBUTE, whole } from './table';

const SECONDS_PER_DAY = 86_400;

/** A new, unpublished notice item; it expires with the history (`historyDays` after it was observed, never when 0). */
export function noticeItem(notice: PairNotice, historyDays: number): Item {
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
    ...(isConfigNotice(notice) ? configNoticeFields(notice) : policyNoticeFields(notice)),
    [TransitionAttribute.PUBLISH_STATUS]: PublishStatus.PENDING,
  };
  if (historyDays > 0) {
    const observedMs = Date.parse(notice.observedAt);
    if (Number.isNaN(observedMs)) throw new StoreError(`Notice ${notice.id} has observedAt ${JSON.stringify(notice.observedAt)}, not an ISO date`, false);
    item[TTL_ATTRIBUTE] = Math.floor(observedMs / 1000) + historyDays * SECONDS_PER_DAY;
  }
  return item;
}

function configNoticeFields(notice: ConfigNotice): Item {
  return { risk: riskMap(notice.risk), openSince: notice.openSince, lastedSeconds: notice.lastedSeconds };
}

function policyNoticeFields(notice: Notice): Item {
  return {
    serving: notice.serving,
    servingSince: notice.servingSince,
    servingValues: [...notice.servingValues],
    lastedSeconds: notice.lastedSeconds,
    covers: notice.covers && { ...notice.covers },
    silence: notice.silence && { ...notice.silence },
    sideChanges: notice.sideChanges,
    windowSeconds: notice.windowSeconds,
    detail: notice.detail,
  };
}

const NOTICE_KINDS: readonly (NoticeKind | ConfigNoticeKind)[] = [...Object.values(NoticeKind), ...Object.values(ConfigNoticeKind)];

export function parseNoticeItem(item: Item): StoredNotice {
  const where = `notice item ${String(item[PARTITION_KEY])} ${String(item[SORT_KEY])}`;
  const pairIdMap = map(item, 'pairId', where);
  const common = {
    id: text(item, 'id', where),
    key: text(item, 'key', where),
    pairId: { zoneId: text(pairIdMap, 'zoneId', where), name: text(pairIdMap, 'name', where), type: text(pairIdMap, 'type', where) } satisfies PairId,
    severity: oneOf(item, 'severity', Object.values(Severity), where),
    observedAt: text(item, 'observedAt', where),
    trigger: map(item, 'trigger', where) as unknown as Trigger,
    lastedSeconds: number(item, 'lastedSeconds', where),
    publishStatus: oneOf(item, TransitionAttribute.PUBLISH_STATUS, [PublishStatus.PENDING, PublishStatus.PUBLISHED], where),
  };
  const publishing = withoutUndefined({
    snsMessageId: optionalText(item, TransitionAttribute.SNS_MESSAGE_ID, where),
    publishedAt: optionalText(item, TransitionAttribute.PUBLISHED_AT, where),
  });
  const kind = oneOf(item, 'kind', NOTICE_KINDS, where);
  if (isConfigNoticeKind(kind)) {
    return { ...common, kind, risk: parseRisk(map(item, 'risk', where), `${where} risk`), openSince: text(item, 'openSince', where), ...publishing };
  }
  const optional: Record<string, unknown> = {
    covers: item['covers'] === undefined ? undefined : coversOf(map(item, 'covers', where), `${where} covers`),
    silence: item['silence'] === undefined ? undefined : silenceOf(map(item, 'silence', where), `${where} silence`),
    sideChanges: item['sideChanges'] === undefined ? undefined : whole(item, 'sideChanges', where),
    windowSeconds: item['windowSeconds'] === undefined ? undefined : whole(item, 'windowSeconds', where),
    detail: optionalText(item, 'detail', where),
  };
  return {
    ...common,
    kind,
    serving: oneOf(item, 'serving', KNOWN_SERVING_STATES, where),
    servingSince: text(item, 'servingSince', where),
    servingValues: texts(item, 'servingValues', where),
    ...withoutUndefined(optional),
    ...publishing,
  };
}

/** The pair's watch as the state item's `watch` attribute holds it. */
export function watchMap(watch: PairWatch): Item {
  return withoutUndefined({
    config: watch.config && {
      open: watch.config.open.map((entry) => ({ risk: riskMap(entry.risk), since: entry.since, episode: entry.episode })),
      opened: watch.config.opened,
      readAt: watch.config.readAt,
    },
    checksWithData: watch.checksWithData && [...watch.checksWithData],
  });
}

export function parseWatch(source: Item, where: string): PairWatch {
  const config = source['config'] === undefined ? undefined : parseConfigWatch(map(source, 'config', where), `${where} config`);
  const checksWithData = source['checksWithData'] === undefined ? undefined : texts(source, 'checksWithData', where);
  return withoutUndefined({ config, checksWithData });
}

function parseConfigWatch(source: Item, where: string): ConfigWatch {
  const open = source['open'];
  if (!Array.isArray(open)) throw malformed(where, 'open', 'a list', open);
  return {
    open: open.map((entry: unknown, index): OpenConfigRisk => {
      const at = `${where} open[${index}]`;
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw malformed(where, `open[${index}]`, 'a map', entry);
      const value = entry as Item;
      return { risk: parseRisk(map(value, 'risk', at), `${at} risk`), since: text(value, 'since', at), episode: whole(value, 'episode', at) };
    }),
    opened: whole(source, 'opened', where),
    readAt: text(source, 'readAt', where),
  };
}

function riskMap(risk: ConfigRisk): Item {
  return withoutUndefined({ kind: risk.kind, reason: risk.reason, id: risk.id, side: risk.side, healthCheckId: risk.healthCheckId, problem: risk.problem, fix: risk.fix });
}

function parseRisk(source: Item, where: string): ConfigRisk {
  const side = source['side'] === undefined ? undefined : oneOf(source, 'side', Object.values(FailoverRole), where);
  return {
    kind: oneOf(source, 'kind', Object.values(ConfigRiskKind), where),
    reason: oneOf(source, 'reason', Object.values(ConfigRiskReason), where),
    id: text(source, 'id', where),
    ...(side === undefined ? {} : { side }),
    ...withoutUndefined({ healthCheckId: optionalText(source, 'healthCheckId', where) }),
    problem: text(source, 'problem', where),
    fix: text(source, 'fix', where),
  };
}

function withoutUndefined<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
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
