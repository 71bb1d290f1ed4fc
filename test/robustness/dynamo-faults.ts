/**
 * DynamoDB faults on the harness's own client, injected by request: a middleware placed ABOVE the SDK's
 * retry (the serialize step) fails a request as if the SDK had already given up retrying it.
 * Requests are seen in DynamoDB's wire form (`{ S: '...' }` attribute values).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pairPartitionKey } from '../../lib/aws/dynamodb/table';
import type { PairId } from '../../lib/domain/model';

export interface WireRequest {
  readonly commandName: string;
  readonly input: Record<string, unknown>;
}

/** The request's partition key, `PAIR#<pairKey>` for a pair's items. */
function partitionOf(request: WireRequest): string | undefined {
  const keyed = (request.input['Key'] ?? request.input['Item']) as Record<string, { S?: string }> | undefined;
  return keyed?.['pk']?.S;
}

function sortKeyOf(request: WireRequest): string | undefined {
  const keyed = (request.input['Key'] ?? request.input['Item']) as Record<string, { S?: string }> | undefined;
  return keyed?.['sk']?.S;
}

export function isForPair(request: WireRequest, pairId: PairId): boolean {
  return partitionOf(request) === pairPartitionKey(pairId);
}

/**
 * A write of the pair's history or state: a history item put (the sweep moving an outbox entry), or the
 * state's commit (the one state update that bumps the revision; the outbox's own bookkeeping does not).
 */
export function isRecordingWrite(request: WireRequest): boolean {
  if (request.commandName === 'PutItemCommand') return true;
  return request.commandName === 'UpdateItemCommand' && sortKeyOf(request) === 'STATE' && String(request.input['UpdateExpression']).includes('#revision');
}

/** A transition or notice written as a history item of its own: the sweep moving a final outbox entry. */
export function isHistoryPut(request: WireRequest): boolean {
  return request.commandName === 'PutItemCommand' && /^[TN]#/.test(sortKeyOf(request) ?? '');
}

export function isStateUpdate(request: WireRequest): boolean {
  return isRecordingWrite(request) && request.commandName === 'UpdateItemCommand';
}

/** The outbox's lease on a transition or notice: an update of its entry in the state item, setting the lease. */
export function isClaim(request: WireRequest): boolean {
  return request.commandName === 'UpdateItemCommand' && /^SET #outbox\.#entry\.#claimUntil = :lease/.test(String(request.input['UpdateExpression']));
}

/** The published mark of a transition or notice: an update of its entry in the state item. */
export function isMarkPublished(request: WireRequest): boolean {
  return request.commandName === 'UpdateItemCommand' && /^SET #outbox\.#entry\.#publishStatus = :published/.test(String(request.input['UpdateExpression']));
}

/** An AWS-shaped DynamoDB error, as the SDK throws it once it stops retrying. */
export function dynamoError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode, attempts: 3 } });
}

let faults = 0;

/**
 * Fails every request `pick` returns an error for, until the returned function is called. `pick` may
 * count (fail only the first one) or look at the request (fail only one pair's writes).
 */
export function injectDynamoFault(client: DynamoDBDocumentClient, pick: (request: WireRequest) => Error | undefined): () => void {
  const name = `robustnessDynamoFault${++faults}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const error = pick({ commandName: String(context.commandName), input: args.input as Record<string, unknown> });
      if (error) throw error;
      return next(args);
    },
    { step: 'serialize', name },
  );
  return () => {
    client.middlewareStack.remove(name);
  };
}
