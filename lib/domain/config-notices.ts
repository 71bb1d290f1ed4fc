/**
 * Configuration notices: one when a configuration risk (lib/domain/config-risks.ts) appears, one when it
 * is gone. Not transitions: a first look at a pair sends them too, and they need no judgeable serving
 * side, so their state (`ConfigWatch`) is kept apart from the pair's serving state. Keyed like every
 * notice (`noticeIdentity`), from stored state only, so two runs deciding the same notice record it once.
 */
import type { ConfigRisk, ConfigRiskKind } from './config-risks';
import { Severity, type PairId, type Trigger } from './model';
import { noticeIdentity } from './notices';
import { elapsedSeconds } from './transitions';

export const ConfigNoticeKind = {
  DR_HOLE: 'DR_HOLE',
  DR_HOLE_CLOSED: 'DR_HOLE_CLOSED',
  BLIND_SPOT: 'BLIND_SPOT',
  BLIND_SPOT_CLEARED: 'BLIND_SPOT_CLEARED',
} as const;
export type ConfigNoticeKind = (typeof ConfigNoticeKind)[keyof typeof ConfigNoticeKind];

const KINDS: Readonly<Record<ConfigRiskKind, { readonly appeared: ConfigNoticeKind; readonly gone: ConfigNoticeKind }>> = {
  DR_HOLE: { appeared: ConfigNoticeKind.DR_HOLE, gone: ConfigNoticeKind.DR_HOLE_CLOSED },
  BLIND_SPOT: { appeared: ConfigNoticeKind.BLIND_SPOT, gone: ConfigNoticeKind.BLIND_SPOT_CLEARED },
};

export interface ConfigNotice {
  /** `<pairKey>#<key>`: unique and stable, used to deduplicate notifications. */
  readonly id: string;
  /** `<kind>#<risk id>#<episode>`: unique within the pair, and shared by no other notice kind. */
  readonly key: string;
  readonly pairId: PairId;
  readonly kind: ConfigNoticeKind;
  /** Warning for all four: a subscriber filtering on severity gets the end of every risk it was told of. */
  readonly severity: Severity;
  readonly observedAt: string;
  readonly trigger: Trigger;
  /** The risk that appeared, or that is gone (as it was when last seen), with what to change. */
  readonly risk: ConfigRisk;
  /** When the risk was first seen. */
  readonly openSince: string;
  /** 0 when it appears; when it is gone, how long it lasted, in seconds. */
  readonly lastedSeconds: number;
}

/** Tells a configuration notice from the notice policy's (lib/domain/notices.ts) where a history holds both. */
export function isConfigNotice<T extends { readonly kind: string }>(notice: T | ConfigNotice): notice is ConfigNotice {
  return isConfigNoticeKind(notice.kind);
}

export function isConfigNoticeKind(kind: string): kind is ConfigNoticeKind {
  return (Object.values(ConfigNoticeKind) as readonly string[]).includes(kind);
}

/** A risk reported open, as last seen, and the episode its notices are keyed by. */
export interface OpenConfigRisk {
  readonly risk: ConfigRisk;
  readonly since: string;
  readonly episode: number;
}

/** What Failwatch has said about a pair's configuration. Kept per pair, even while the pair has no PairState (never judgeable). */
export interface ConfigWatch {
  readonly open: readonly OpenConfigRisk[];
  /** Risks opened so far: the next is episode `opened + 1`, so a risk that is fixed and comes back gets new notice keys. */
  readonly opened: number;
  /** When the configuration last decided from was read: a decision from an older reading changes nothing. */
  readonly readAt: string;
}

/** One look at a pair's configuration: its risks, when the definitions they come from were read, and the run that looked. */
export interface ConfigLook {
  readonly risks: readonly ConfigRisk[];
  readonly readAt: string;
  readonly observedAt: string;
  readonly trigger: Trigger;
}

export interface ConfigDecision {
  /** The record to store; undefined means write nothing. */
  readonly next: ConfigWatch | undefined;
  readonly notices: readonly ConfigNotice[];
  readonly reason: string;
}

/** `previous` undefined: a first look (nothing said yet), which reports every risk it finds. */
export function decideConfigNotices(previous: ConfigWatch | undefined, pairId: PairId, look: ConfigLook): ConfigDecision {
  if (previous !== undefined && Date.parse(look.readAt) < Date.parse(previous.readAt)) {
    // A run judging from older definitions (a cache, stored definitions) must not reopen what a newer one closed.
    return { next: undefined, notices: [], reason: `configuration read at ${look.readAt} is older than the one last decided from (${previous.readAt}); ignored` };
  }
  const before = previous?.open ?? [];
  const current = new Map(look.risks.map((risk) => [risk.id, risk]));
  const notices: ConfigNotice[] = [];
  const open: OpenConfigRisk[] = [];
  for (const entry of before) {
    const still = current.get(entry.risk.id);
    if (still) open.push({ ...entry, risk: still });
    else notices.push(notice(pairId, KINDS[entry.risk.kind].gone, entry, look, elapsedSeconds(entry.since, look.observedAt)));
  }
  let opened = previous?.opened ?? 0;
  const known = new Set(before.map((entry) => entry.risk.id));
  for (const risk of current.values()) {
    if (known.has(risk.id)) continue;
    opened += 1;
    const entry: OpenConfigRisk = { risk, since: look.observedAt, episode: opened };
    open.push(entry);
    notices.push(notice(pairId, KINDS[risk.kind].appeared, entry, look, 0));
  }
  const reason = notices.length > 0 ? notices.map((n) => `${n.kind} ${n.risk.id}`).join('; ') : `configuration risks unchanged (${open.length} open)`;
  if (notices.length === 0 && sameRisks(before, open)) return { next: undefined, notices, reason };
  return { next: { open, opened, readAt: look.readAt }, notices, reason };
}

function notice(pairId: PairId, kind: ConfigNoticeKind, entry: OpenConfigRisk, look: ConfigLook, lastedSeconds: number): ConfigNotice {
  const { id, key } = noticeIdentity(pairId, kind, `${entry.risk.id}#${entry.episode}`);
  return { id, key, pairId, kind, severity: Severity.WARNING, observedAt: look.observedAt, trigger: look.trigger, risk: entry.risk, openSince: entry.since, lastedSeconds };
}

/** The same risks described the same way: a reworded risk (its check's target changed) is stored without a notice. */
function sameRisks(a: readonly OpenConfigRisk[], b: readonly OpenConfigRisk[]): boolean {
  return a.length === b.length && a.every((entry, index) => b[index] !== undefined && sameRisk(entry.risk, b[index].risk));
}

/** Field by field: a risk read back from storage may hold its fields in another order. */
function sameRisk(a: ConfigRisk, b: ConfigRisk): boolean {
  const fields = ['kind', 'reason', 'id', 'side', 'healthCheckId', 'problem', 'fix'] as const satisfies readonly (keyof ConfigRisk)[];
  return fields.every((field) => a[field] === b[field]);
}
