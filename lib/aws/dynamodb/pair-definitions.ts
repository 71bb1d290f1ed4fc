/**
 * PairDefinitionStore on the Failwatch table: one item per pair, in the pair's partition, sort key
 * `DEFINITION`, holding the definition as canonical JSON (lib/pair-definition-codec.ts), its content
 * hash and its format. Reads go through the shared DynamoBatchReader, so the alarm function reads its
 * pairs' definitions, their states and the CLI silences in one BatchGetItem. Writing is the poll
 * function's alone (lib/aws/dynamodb/pair-definition-writer.ts), so the alarm function's code, and so its
 * role, has no BatchWriteItem.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pairKey, type PairId } from '../../domain/model';
import type { PairDefinition } from '../../domain/pair-definition';
import { decodePairDefinition, hashPairDefinition, PAIR_DEFINITION_FORMAT } from '../../pair-definition-codec';
import type { PairDefinitionStore } from '../../ports';
import { DynamoBatchReader } from './reads';
import { DEFINITION_SORT_KEY, type Item, pairPartitionKey, PARTITION_KEY, SORT_KEY } from './table';

/** Attributes of a definition item besides its key. */
export const DefinitionAttribute = { FORMAT: 'format', HASH: 'hash', DEFINITION: 'definition' } as const;

export function definitionKey(pairId: PairId): Item {
  return { [PARTITION_KEY]: pairPartitionKey(pairId), [SORT_KEY]: DEFINITION_SORT_KEY };
}

/** The item that stores `definition`. */
export function definitionItem(definition: PairDefinition, encoded: string): Item {
  return {
    ...definitionKey(definition.pair.id),
    [DefinitionAttribute.FORMAT]: PAIR_DEFINITION_FORMAT,
    [DefinitionAttribute.HASH]: hashPairDefinition(encoded),
    [DefinitionAttribute.DEFINITION]: encoded,
  };
}

/** The encoded definition of an item of this format whose hash matches it; undefined for anything else (it is then rewritten). */
function intactEncoding(item: Item): { readonly encoded: string; readonly hash: string } | undefined {
  const encoded = item[DefinitionAttribute.DEFINITION];
  const hash = item[DefinitionAttribute.HASH];
  if (item[DefinitionAttribute.FORMAT] !== PAIR_DEFINITION_FORMAT || typeof encoded !== 'string' || typeof hash !== 'string') return undefined;
  return hashPairDefinition(encoded) === hash ? { encoded, hash } : undefined;
}

/** The definition a definition item holds, or why it is not usable (it is then rewritten by the next cold sweep). */
export function readDefinitionItem(item: Item): { readonly definition: PairDefinition } | { readonly problem: string } {
  const intact = intactEncoding(item);
  if (intact === undefined) return { problem: `not a definition of format ${PAIR_DEFINITION_FORMAT} whose hash matches its content` };
  const decoded = decodePairDefinition(intact.encoded);
  // Stored under its own pair only: an item copied under another key is not that pair's definition.
  if ('definition' in decoded && pairPartitionKey(decoded.definition.pair.id) !== item[PARTITION_KEY]) return { problem: `holds the definition of another pair (${pairKey(decoded.definition.pair.id)})` };
  return decoded;
}

export class DynamoPairDefinitionStore implements PairDefinitionStore {
  private readonly reader: DynamoBatchReader;

  /** `reader`: shared with the state and silence stores, so the alarm function reads all three in one request. */
  constructor(options: { readonly client: DynamoDBDocumentClient; readonly tableName: string; readonly reader?: DynamoBatchReader }) {
    this.reader = options.reader ?? new DynamoBatchReader({ client: options.client, tableName: options.tableName });
  }

  async loadDefinitions(pairIds: readonly PairId[]): Promise<ReadonlyMap<string, PairDefinition>> {
    const definitions = new Map<string, PairDefinition>();
    for (const item of await this.read(pairIds, 'reading pair definitions')) {
      const read = readDefinitionItem(item);
      if ('definition' in read) definitions.set(pairKey(read.definition.pair.id), read.definition);
    }
    return definitions;
  }

  async loadDefinitionHashes(pairIds: readonly PairId[]): Promise<ReadonlyMap<string, string>> {
    const byPartition = new Map(pairIds.map((id) => [pairPartitionKey(id), pairKey(id)]));
    const hashes = new Map<string, string>();
    for (const item of await this.read(pairIds, 'reading stored pair definitions')) {
      const key = byPartition.get(String(item[PARTITION_KEY]));
      const intact = intactEncoding(item);
      if (key !== undefined && intact !== undefined) hashes.set(key, intact.hash);
    }
    return hashes;
  }

  private read(pairIds: readonly PairId[], action: string): Promise<Item[]> {
    // BatchGetItem rejects a request that names the same key twice.
    const keys = [...new Map(pairIds.map((id) => [pairPartitionKey(id), definitionKey(id)])).values()];
    return this.reader.read(keys, action);
  }
}
