/** Splitting work into the sizes an API takes, and running it a few at a time. */

/** `items` in consecutive chunks of `size` (the last may be shorter); none for no items. */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`A chunk size must be a whole number of at least 1, got ${size}`);
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/**
 * `work` over `items`, at most `limit` at once, started in order. Once `stop()` says so, or once an
 * item has failed, no further item is started; those running are let finish, then the first failure
 * is thrown. Returns the results of the items started: all of them, or the first ones in order.
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>, stop: () => boolean = () => false): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`A concurrency limit must be a whole number of at least 1, got ${limit}`);
  const results: R[] = [];
  let started = 0;
  let failure: { readonly error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (started < items.length && failure === undefined && !stop()) {
      const index = started++;
      try {
        results[index] = await work(items[index] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}
