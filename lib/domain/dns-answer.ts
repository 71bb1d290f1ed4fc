/**
 * What Route 53 actually answers for a pair's name when Failwatch records a transition (TestDNSAnswer),
 * held against the side Failwatch decided. The answer is asked for before the commit and stored with the
 * transition; it never holds one back.
 */
import { DnsAgreement, FailoverRole, servedRole, type DnsConfirmation, type FailoverPair, type KnownServingState, type RecordSet, type Transition } from './model';

/** What asking Route 53 gave. */
export type DnsAnswer =
  | { readonly kind: 'ANSWERED'; readonly values: readonly string[]; readonly responseCode: string; readonly askedAt: string }
  | { readonly kind: 'SKIPPED'; readonly reason: string }
  | { readonly kind: 'UNAVAILABLE'; readonly reason: string };

/**
 * "Changes generally propagate to all Route 53 name servers managing the hosted zone within 60 seconds"
 * (ChangeResourceRecordSets, API reference): a disagreement right after a change may be that.
 */
const PROPAGATION =
  'DNS changes take up to a minute to propagate, so Route 53 may not have caught up yet; if it still answers this way, Failwatch reads the health differently from Route 53: check the health checks and alias targets';

/** Why TestDNSAnswer is not asked for this pair; undefined when it may be. */
export function dnsAnswerSkipReason(pair: FailoverPair): string | undefined {
  return pair.privateZone === true ? 'the hosted zone is private, and TestDNSAnswer "only supports querying public hosted zones"' : undefined;
}

/** Holds Route 53's answer against the side the pair's state serves. */
export function confirmDnsAnswer(pair: FailoverPair, serving: KnownServingState, answer: DnsAnswer): DnsConfirmation {
  const decided = servedRole(serving);
  const side = sideName(decided);
  if (answer.kind === 'SKIPPED') return { status: DnsAgreement.SKIPPED, decided, reason: answer.reason, sentence: `Route 53's answer was not asked for: ${answer.reason}.` };
  if (answer.kind === 'UNAVAILABLE') return { status: DnsAgreement.UNAVAILABLE, decided, reason: answer.reason, sentence: `Route 53's answer could not be read: ${answer.reason}.` };
  const asked = { decided, values: answer.values, responseCode: answer.responseCode, askedAt: answer.askedAt };
  const answered = describeAnswer(answer);
  const decidedRecord = decided === FailoverRole.PRIMARY ? pair.primary : pair.secondary;
  const otherRole = decided === FailoverRole.PRIMARY ? FailoverRole.SECONDARY : FailoverRole.PRIMARY;
  const otherRecord = decided === FailoverRole.PRIMARY ? pair.secondary : pair.primary;
  const given = normalise(answer.values);
  if (answeredBy(otherRecord, given)) {
    return { status: DnsAgreement.DISAGREES, ...asked, sentence: `${answered}, the ${sideName(otherRole)}'s ${valuesWord(otherRecord)}, not the ${side} Failwatch decided. ${PROPAGATION}.` };
  }
  if (decidedRecord.alias) {
    return { status: DnsAgreement.NOT_COMPARED, ...asked, sentence: `${answered} (the addresses of the ${side}'s alias target ${displayName(decidedRecord.alias.dnsName)}, reported as they are, not compared).` };
  }
  if (answeredBy(decidedRecord, given)) return { status: DnsAgreement.AGREES, ...asked, sentence: `${answered}, the ${side}'s ${valuesWord(decidedRecord)}, as Failwatch decided.` };
  return {
    status: DnsAgreement.DISAGREES,
    ...asked,
    sentence: `${answered}, which is not the ${side}'s ${valuesWord(decidedRecord)} (${decidedRecord.values.join(', ')}) that Failwatch decided. ${PROPAGATION}.`,
  };
}

/**
 * The transitions of one decision, each with Route 53's answer held against the side DNS serves once they
 * are applied (the last one's): what the email and the history show beside what Failwatch decided.
 */
export function withDnsAnswer(transitions: readonly Transition[], pair: FailoverPair, answer: DnsAnswer): Transition[] {
  const last = transitions.at(-1);
  if (last === undefined) return [];
  const dnsAnswer = confirmDnsAnswer(pair, last.stateAfter.serving, answer);
  return transitions.map((transition) => ({ ...transition, dnsAnswer }));
}

/** `Route 53 answers 10.0.1.1` / `Route 53 answers nothing (NXDOMAIN)`. */
function describeAnswer(answer: Extract<DnsAnswer, { kind: 'ANSWERED' }>): string {
  if (answer.values.length > 0) return `Route 53 answers ${answer.values.join(', ')}${answer.responseCode === 'NOERROR' ? '' : ` (${answer.responseCode})`}`;
  return `Route 53 answers nothing (${answer.responseCode})`;
}

/** Whether a plain record answers exactly `given` (an alias's addresses are not known, so never). */
function answeredBy(record: RecordSet, given: readonly string[]): boolean {
  if (record.alias || record.values.length === 0) return false;
  const own = normalise(record.values);
  return own.length === given.length && own.every((value, index) => value === given[index]);
}

function normalise(values: readonly string[]): string[] {
  return [...new Set(values.map((value) => value.trim().toLowerCase().replace(/\.$/, '')))].sort();
}

function valuesWord(record: RecordSet): string {
  const noun = record.type === 'A' || record.type === 'AAAA' ? 'address' : 'value';
  return record.values.length === 1 ? noun : `${noun}${noun === 'address' ? 'es' : 's'}`;
}

function sideName(role: FailoverRole): string {
  return role === FailoverRole.PRIMARY ? 'primary' : 'secondary';
}

function displayName(name: string): string {
  return name.replace(/\.$/, '');
}
