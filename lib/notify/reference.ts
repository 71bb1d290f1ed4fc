/**
 * The short reference every message ends with, for a person to quote and look the entry up later in
 * Failwatch's history ("Reference: 7K2M-9QXA"). It is computed from what is stored with the entry (the
 * pair and the transition's sequence, or the notice's key), so one entry has one reference in every
 * message and for every reader, now and after an upgrade. The raw ids stay in the message attributes
 * and the JSON payload, for programs.
 *
 * Form: the first 40 bits of SHA-256 of the entry's id (`<zone id>|<record name>|<type>#<sequence>` or
 * `...#<notice key>`), as 8 characters of Crockford's base32 (digits and capitals without I, L, O and U,
 * so nothing reads as another character), split 4-4. With 40 bits, a history of 100,000 entries holds
 * two sharing a reference with a chance of about 1 in 200; a lookup lists every match.
 */
import { createHash } from 'node:crypto';
import { pairKey, type PairId } from '../domain/model';

const CROCKFORD_BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const REFERENCE_CHARACTERS = 8;

/** What identifies an entry within its pair's history: a transition's sequence, or a notice's key. */
export type HistoryEntry = { readonly sequence: number } | { readonly noticeKey: string };

export function historyReference(pairId: PairId, entry: HistoryEntry): string {
  const within = 'sequence' in entry ? String(entry.sequence) : entry.noticeKey;
  const digest = createHash('sha256').update(`${pairKey(pairId)}#${within}`).digest();
  let characters = '';
  for (let index = 0; index < REFERENCE_CHARACTERS; index++) {
    characters += CROCKFORD_BASE32[readFiveBits(digest, index * 5)];
  }
  return `${characters.slice(0, 4)}-${characters.slice(4)}`;
}

function readFiveBits(bytes: Buffer, bitOffset: number): number {
  let value = 0;
  for (let bit = bitOffset; bit < bitOffset + 5; bit++) {
    value = (value << 1) | ((bytes[bit >> 3]! >> (7 - (bit & 7))) & 1);
  }
  return value;
}
