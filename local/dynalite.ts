/**
 * A real DynamoDB for tests: dynalite, in memory, on 127.0.0.1 and a free port.
 *
 *   let db: LocalDynamo;
 *   beforeAll(async () => { db = await startDynalite(); tableName = await createTestTable(db.endpoint); });
 *   afterAll(() => db.stop());
 *   const client = createTestDocumentClient(db.endpoint);
 *
 * dynalite has no transactions and no UpdateTimeToLive: the table is created without TTL enabled.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { listenOnLoopback } from './stand-ins/http';
import { clientConfig } from '../lib/aws/client-config';
import { createDynamoDocumentClient, tableDefinition, timeToLiveDefinition } from '../lib/aws/dynamodb/table';

export interface LocalDynamo {
  /** `http://127.0.0.1:<port>`, for a client's `endpoint`. */
  readonly endpoint: string;
  /** Closes the server and drops its data; call it in afterAll. */
  stop(): Promise<void>;
}

const TEST_REGION = 'us-east-1';
const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export function startDynalite(): Promise<LocalDynamo> {
  return listenOnLoopback(dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }));
}

/** A DynamoDB client for the local server, configured as production's (retries, timeouts): us-east-1, dummy static credentials. */
export function createTestClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient(clientConfig({ endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS }));
}

/** A document client configured as production configures it (`createDynamoDocumentClient`). */
export function createTestDocumentClient(endpoint: string): DynamoDBDocumentClient {
  return createDynamoDocumentClient({ endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS });
}

/** Creates the Failwatch table (a fresh random name unless given), waits until it is ACTIVE and returns its name. */
export async function createTestTable(endpoint: string, tableName = `failwatch-test-${randomUUID()}`): Promise<string> {
  const client = createTestClient(endpoint);
  try {
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
    for (let poll = 0; ; poll++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (Table?.TableStatus === 'ACTIVE') break;
      if (poll >= 100) throw new Error(`Table ${tableName} is still ${Table?.TableStatus ?? 'unknown'} after 100 polls`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await enableTimeToLive(client, tableName);
    return tableName;
  } finally {
    client.destroy();
  }
}

async function enableTimeToLive(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new UpdateTimeToLiveCommand(timeToLiveDefinition(tableName)));
  } catch (error) {
    // dynalite does not implement UpdateTimeToLive: items simply never expire there.
    if (!(error instanceof Error && error.name === 'UnknownOperationException')) throw error;
  }
}
