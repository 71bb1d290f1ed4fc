/**
 * DynamoDB for the bench: dynalite on 127.0.0.1, with every request counted by its command name
 * (`X-Amz-Target: DynamoDB_20120810.BatchGetItem`) before dynalite answers it. A request that names a
 * pair definition item (sort key `DEFINITION`) is counted as `<command> (definitions)`, so the bench can
 * tell the definitions' reads and writes from the states'. No latency is added: dynalite answers in
 * about a millisecond, faster than DynamoDB in-region (single-digit ms).
 */
import dynalite from 'dynalite';
import type { IncomingMessage } from 'node:http';
import { DEFINITION_SORT_KEY } from '../../lib/aws/dynamodb/table';
import { invocationIdOf, listenOnLoopback, type RunningServer } from './http';
import { Service, type Traffic } from './traffic';

export const DYNAMO_WRITE_OPERATIONS: readonly string[] = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'];

const DEFINITIONS_SUFFIX = ' (definitions)';
const NAMES_A_DEFINITION = `{"S":"${DEFINITION_SORT_KEY}"}`;

/** The command of a counted operation, without the `(definitions)` mark. */
export function dynamoCommandOf(operation: string): string {
  return operation.endsWith(DEFINITIONS_SUFFIX) ? operation.slice(0, -DEFINITIONS_SUFFIX.length) : operation;
}

export function isDynamoWrite(operation: string): boolean {
  return DYNAMO_WRITE_OPERATIONS.includes(dynamoCommandOf(operation));
}

export function isDefinitionOperation(operation: string): boolean {
  return operation.endsWith(DEFINITIONS_SUFFIX);
}

export async function startDynamoStandIn(traffic: Traffic): Promise<RunningServer> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  server.prependListener('request', (request: IncomingMessage) => {
    const command = String(request.headers['x-amz-target'] ?? '').split('.').pop() ?? 'Unknown';
    const chunks: Buffer[] = [];
    // dynalite reads the body with 'data' listeners too: both see every chunk. Counted on 'end', before dynalite answers.
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const definitions = Buffer.concat(chunks).toString('utf8').includes(NAMES_A_DEFINITION);
      traffic.record(Service.DYNAMODB, definitions ? `${command}${DEFINITIONS_SUFFIX}` : command, invocationIdOf(request), false);
    });
  });
  return listenOnLoopback(server);
}
