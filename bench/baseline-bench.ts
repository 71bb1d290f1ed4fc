/**
 * Part `baseline`: what Failwatch is compared with, on the same stand-ins in the same run.
 *   (b) the competent poller (bench/competent-poller.ts), measured: first run on an empty table, steady, 1% change;
 *   the naive sweep (bench/naive-sweep.ts), measured only where it finishes within poll's timeout
 *   (it reads GetHealthCheckStatus, 1 call a second, for every check): never extrapolated.
 * Baseline (a), one CloudWatch alarm per health check → SNS, has no sweep to time: bench/aws-native-model.ts.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { pairKey } from '../lib/domain/model';
import { createTestDocumentClient, createTestTable } from '../local/dynalite';
import type { GeneratedPair } from '../local/simulated-aws';
import { changedCheckCount, containerEnvironment, noteStep, runStep, spreadPrimaries, startStand, stopStand, withContainer, type BenchContext, type StepFigures } from './stand';

/** poll's timeout (60 s) holds the naive sweep's status reads (4 at once, then 1 a second) up to about this many checks. */
export const NAIVE_MAX_CHECKS = 40;

export interface BaselineSize {
  readonly checks: number;
  readonly pairs: number;
  readonly changedChecks: number;
  readonly competent: { readonly firstRun?: StepFigures; readonly steady?: StepFigures; readonly change?: StepFigures; readonly peakRssMb?: number; readonly loadedRssMb?: number };
  /** Absent above NAIVE_MAX_CHECKS: not measured, and not estimated either. */
  readonly naive?: { readonly steady?: StepFigures; readonly change?: StepFigures; readonly peakRssMb?: number; readonly loadedRssMb?: number };
  readonly problems: readonly string[];
}

/** The naive sweep starts from stored states, as it would after its own first run. */
async function seedNaiveStates(endpoint: string, tableName: string, pairs: readonly GeneratedPair[]): Promise<void> {
  const client = createTestDocumentClient(endpoint);
  try {
    for (let start = 0; start < pairs.length; start += 25) {
      const items = pairs.slice(start, start + 25).map((pair) => ({
        PutRequest: { Item: { pk: `NAIVE#${pairKey({ zoneId: pair.zoneId, name: pair.name, type: pair.type })}`, sk: 'STATE', serving: 'PRIMARY', sequence: 0, observedAt: new Date().toISOString() } },
      }));
      await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: items } }));
    }
  } finally {
    client.destroy();
  }
}

export async function benchBaselines(checks: number, context: BenchContext): Promise<BaselineSize> {
  const stand = await startStand(checks);
  const problems: string[] = [];
  const changed = spreadPrimaries(stand.pairs, changedCheckCount(checks));
  const step = async (what: string, container: Parameters<typeof runStep>[1]): Promise<StepFigures> => {
    const figures = await runStep(stand, container, {}, context.stepTimeoutMs);
    noteStep(stand, context, problems, what, figures);
    return figures;
  };
  const competent: { -readonly [K in keyof BaselineSize['competent']]: BaselineSize['competent'][K] } = {};
  let naive: BaselineSize['naive'];
  try {
    const table = await createTestTable(stand.servers.dynamo.endpoint, 'failwatch-bench-poller');
    const run = await withContainer(stand, context, 'competent poller', context.children.competent, containerEnvironment(stand, table), problems, async (container) => {
      competent.firstRun = await step('competent poller, first run', container);
      competent.steady = await step('competent poller, steady', container);
      for (const id of changed) stand.world.setHealthy(id, false);
      competent.change = await step('competent poller, 1% change', container);
      return competent.change.peakRssMb;
    });
    competent.peakRssMb = run.value;
    competent.loadedRssMb = run.loadedRssMb;

    if (checks <= NAIVE_MAX_CHECKS) {
      for (const id of changed) stand.world.setHealthy(id, true);
      const naiveTable = await createTestTable(stand.servers.dynamo.endpoint, 'failwatch-bench-naive');
      await seedNaiveStates(stand.servers.dynamo.endpoint, naiveTable, stand.pairs);
      const figures: { steady?: StepFigures; change?: StepFigures } = {};
      const naiveRun = await withContainer(stand, context, 'naive sweep', context.children.naive, containerEnvironment(stand, naiveTable), problems, async (container) => {
        figures.steady = await step('naive sweep, steady', container);
        for (const id of changed) stand.world.setHealthy(id, false);
        figures.change = await step('naive sweep, 1% change', container);
        return figures.change.peakRssMb;
      });
      naive = { ...figures, peakRssMb: naiveRun.value, loadedRssMb: naiveRun.loadedRssMb };
    }
  } finally {
    await stopStand(stand);
  }
  return { checks, pairs: stand.pairs.length, changedChecks: changed.length, competent, ...(naive === undefined ? {} : { naive }), problems };
}
