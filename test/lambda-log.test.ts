import { Logger } from '@aws-lambda-powertools/logger';
import { logRunResult } from '../lib/runtime/lambda';
import type { RunResult } from '../lib/usecases/run-result';
import { captureOutput } from './support/output-capture';

const base: RunResult = {
  trigger: 'SCHEDULE rule',
  observedAt: '2026-11-25T08:00:00.000Z',
  pairsWatched: 2,
  pairsInScope: 2,
  transitionsRecorded: 0,
  noticesRecorded: 0,
  notificationsSent: 0,
  notificationsPending: 0,
  changes: [],
  unknownPairs: [],
  unfinishedPairs: [],
  skippedRecords: [],
};

function logged(result: RunResult): Record<string, unknown>[] {
  const output = captureOutput();
  try {
    logRunResult(new Logger({ serviceName: 'failwatch', logLevel: 'INFO' }), 'sweep finished', result);
    return output.jsonLines();
  } finally {
    output.restore();
  }
}

describe('logRunResult', () => {
  it('a run with every pair judged: one info line', () => {
    expect(logged(base).map((line) => line['level'])).toEqual(['INFO']);
  });

  it('pairs that could not be judged: a warning with why, for each run they stay so', () => {
    const reason = 'alias target d-abc123.execute-api.eu-west-1.amazonaws.com evaluates the health of the API Gateway API d-abc123.execute-api.eu-west-1.amazonaws.com, which Failwatch cannot read';
    const lines = logged({ ...base, unknownPairs: ['Z1|app.example.com.|A'], unknownReasons: [{ pair: 'Z1|app.example.com.|A', reason }] });
    expect(lines.map((line) => line['level'])).toEqual(['INFO', 'WARN']);
    expect(lines[1]).toMatchObject({ message: expect.stringMatching(/could not be judged/), unknownPairs: 1, reasons: [{ pair: 'Z1|app.example.com.|A', reason }] });
  });

  it("Route 53 answering another side than the one recorded: a warning naming the pairs and what their messages say", () => {
    const sentence = "Route 53 answers 10.0.0.1, the primary's address, not the secondary Failwatch decided.";
    const lines = logged({ ...base, changes: [{ pair: 'Z1|app.example.com.|A', recorded: ['FAILOVER'], notices: [], dns: 'DISAGREES' }], dnsDisagreements: [{ pair: 'Z1|app.example.com.|A', sentence }] });
    expect(lines.map((line) => line['level'])).toEqual(['INFO', 'WARN']);
    expect(lines[1]).toMatchObject({ message: expect.stringMatching(/^Route 53 answers another side/), dnsDisagreements: [{ pair: 'Z1|app.example.com.|A', sentence }] });
  });
});
