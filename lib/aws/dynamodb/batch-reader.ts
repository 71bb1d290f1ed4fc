/**
 * Eventually consistent reads by key, gathered: every key asked for in the same turn of the event loop
 * goes out in the same BatchGetItem requests (100 keys each). A sweep asks for its pairs' states and for
 * the CLI silences side by side, so the silences ride in the states' request instead of costing one
 * of their own. A failed request fails every read it carried.
 */
import type { Item } from './fields';
import { batchGetItems, type Table } from './reads';
import { PARTITION_KEY, SORT_KEY } from './table';

interface Waiting {
  readonly keys: readonly Item[];
  readonly action: string;
  resolve(items: Item[]): void;
  reject(error: unknown): void;
}

export class DynamoBatchReader {
  private waiting: Waiting[] = [];

  constructor(private readonly table: Table) {}

  /** The items of `keys` that exist, in any order. */
  read(keys: readonly Item[], action: string): Promise<Item[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => void this.flush());
      this.waiting.push({ keys, action, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const reads = this.waiting;
    this.waiting = [];
    // BatchGetItem rejects a request that names the same key twice.
    const keys = new Map(reads.flatMap((read) => read.keys.map((key) => [idOf(key), key] as const)));
    const action = [...new Set(reads.map((read) => read.action))].join(' and ');
    try {
      const found = new Map<string, Item>((await batchGetItems(this.table, [...keys.values()], action)).map((item) => [idOf(item), item]));
      for (const read of reads) {
        const items = [...new Set(read.keys.map(idOf))].map((id) => found.get(id));
        read.resolve(items.filter((item): item is Item => item !== undefined));
      }
    } catch (error) {
      for (const read of reads) read.reject(error);
    }
  }
}

function idOf(item: Item): string {
  return JSON.stringify([item[PARTITION_KEY], item[SORT_KEY]]);
}
