/**
 * `npm run failwatch -- silence app.example.com --for 2h --reason "DR drill"` (and `silences`,
 * `unsilence <id>`). Reads FAILWATCH_TABLE; the AWS region and credentials are the SDK's own.
 */
import { randomUUID } from 'node:crypto';
import { DynamoSilenceStore } from '../aws/dynamodb/silences';
import { createDynamoDocumentClient } from '../aws/dynamodb/table';
import { CliUsageError, runCli } from './cli';
import { loadCliConfig } from '../runtime/config';
import { FailwatchError } from '../errors';
import { systemClock } from '../runtime/wiring';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  // Usage problems are reported before any configuration or AWS access is needed.
  const silences = () => {
    const { tableName } = loadCliConfig();
    return new DynamoSilenceStore({ client: createDynamoDocumentClient(), tableName });
  };
  let store: DynamoSilenceStore | undefined;
  return runCli(argv, {
    get silences() {
      store ??= silences();
      return store;
    },
    clock: systemClock,
    newId: () => `s-${randomUUID().slice(0, 8)}`,
    print: (line) => console.log(line),
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof CliUsageError || error instanceof FailwatchError;
    console.error(known ? `failwatch: ${error.message}` : error);
    process.exit(known && error instanceof CliUsageError ? 2 : 1);
  },
);
