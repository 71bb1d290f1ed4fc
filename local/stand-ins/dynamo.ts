/**
 * DynamoDB for the bench: dynalite on 127.0.0.1, with every request counted by its command name
 * (`X-Amz-Target: DynamoDB_20120810.BatchGetItem`) before dynalite sees it. No latency is added:
 * dynalite answers in about a millisecond, faster than DynamoDB in-region (single-digit ms).
 */
import dynalite from 'dynalite';
import type { IncomingMessage } from 'node:http';
import { invocationIdOf, listenOnLoopback, type RunningServer } from './http';
import { Service, type Traffic } from './traffic';

export const DYNAMO_WRITE_OPERATIONS: readonly string[] = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'];

export async function startDynamoStandIn(traffic: Traffic): Promise<RunningServer> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  server.prependListener('request', (request: IncomingMessage) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    traffic.record(Service.DYNAMODB, target.split('.').pop() ?? 'Unknown', invocationIdOf(request), false);
  });
  return listenOnLoopback(server);
}
