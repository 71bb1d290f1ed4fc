import { chunksOf, mapBounded } from '../lib/batches';

describe('chunksOf', () => {
  it('consecutive chunks of the size, the last one shorter, none for nothing', () => {
    expect(chunksOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunksOf([1, 2, 3, 4], 2)).toEqual([[1, 2], [3, 4]]);
    expect(chunksOf([], 25)).toEqual([]);
    expect(chunksOf(Array.from({ length: 101 }, (_, i) => i), 100).map((chunk) => chunk.length)).toEqual([100, 1]);
  });

  it.each([0, -1, 2.5, Number.NaN])('refuses a chunk size of %p', (size) => {
    expect(() => chunksOf([1], size)).toThrow(RangeError);
  });
});

/** Work whose items finish when the test says, recording how many ran at once. */
function controlledWork() {
  const finish = new Map<number, { resolve: (value: string) => void; reject: (error: Error) => void }>();
  let running = 0;
  let mostAtOnce = 0;
  const started: number[] = [];
  const work = (item: number) =>
    new Promise<string>((resolve, reject) => {
      started.push(item);
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      const done = () => running--;
      finish.set(item, { resolve: (value) => (done(), resolve(value)), reject: (error) => (done(), reject(error)) });
    });
  const settle = async () => {
    for (let turn = 0; turn < 5; turn++) await Promise.resolve();
  };
  return { work, finish, started, settle, mostAtOnce: () => mostAtOnce };
}

describe('mapBounded', () => {
  it('never runs more than the limit at once, and returns every result in the order of the items', async () => {
    const control = controlledWork();
    const mapping = mapBounded([1, 2, 3, 4, 5], 2, control.work);
    await control.settle();
    expect(control.started).toEqual([1, 2]);
    // Finished out of order: each finish lets the next item start.
    for (const item of [2, 1, 4, 3, 5]) {
      control.finish.get(item)?.resolve(`r${item}`);
      await control.settle();
    }
    await expect(mapping).resolves.toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(control.started).toEqual([1, 2, 3, 4, 5]);
    expect(control.mostAtOnce()).toBe(2);
  });

  it('starts nothing once stop() says so, lets the running ones finish, and returns the results of those started', async () => {
    let stopped = false;
    const control = controlledWork();
    const mapping = mapBounded([1, 2, 3, 4], 2, control.work, () => stopped);
    await control.settle();
    stopped = true;
    control.finish.get(1)?.resolve('r1');
    control.finish.get(2)?.resolve('r2');
    await expect(mapping).resolves.toEqual(['r1', 'r2']);
    expect(control.started).toEqual([1, 2]);
  });

  it('after a failure starts nothing more, waits for the running ones, then throws the first failure', async () => {
    const control = controlledWork();
    const mapping = mapBounded([1, 2, 3, 4], 2, control.work);
    const outcome = mapping.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await control.settle();
    control.finish.get(1)?.reject(new Error('first'));
    await control.settle();
    let settled = false;
    void outcome.then(() => (settled = true));
    await control.settle();
    expect(settled).toBe(false);
    control.finish.get(2)?.reject(new Error('second'));
    await expect(outcome).resolves.toMatchObject({ message: 'first' });
    expect(control.started).toEqual([1, 2]);
  });

  it('with nothing to do returns nothing; refuses a limit below 1', async () => {
    await expect(mapBounded([], 3, async () => 1)).resolves.toEqual([]);
    await expect(mapBounded([1], 0, async () => 1)).rejects.toThrow(RangeError);
  });
});
