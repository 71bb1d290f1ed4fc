/**
 * TestAlertLog on the Failwatch table: one item per test alert in partition `TEST_ALERT`, sort key
 * `<sent at>#<id>` (so a query lists them in time order), expiring with the history. Apart from the pairs'
 * partitions on purpose: a test is no fact about a pair, and no reader of a pair's history can count it.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Severity, TransitionKind } from '../../domain/model';
import { NoticeKind } from '../../domain/notices';
import type { TestAlert, TestAlertLog } from '../../usecases/console-ports';
import { queryItems, type Table } from './reads';
import { type Item, map, oneOf, PARTITION_KEY, SORT_KEY, TEST_ALERT_PARTITION_KEY, text, TTL_ATTRIBUTE, withStoreError } from './table';

const SECONDS_PER_DAY = 86_400;

export class DynamoTestAlertLog implements TestAlertLog {
  private readonly table: Table;
  private readonly historyDays: () => Promise<number>;

  /**
   * `historyDays`: how long a test alert is kept, as the transitions are (0 keeps it forever); asked only
   * when one is recorded (the CLI reads it from the deployment, which listing them does not need).
   */
  constructor(options: { readonly client: DynamoDBDocumentClient; readonly tableName: string; readonly historyDays: () => Promise<number> }) {
    this.table = { client: options.client, tableName: options.tableName };
    this.historyDays = options.historyDays;
  }

  async recordTestAlert(alert: TestAlert): Promise<void> {
    const historyDays = await this.historyDays();
    const item: Item = {
      [PARTITION_KEY]: TEST_ALERT_PARTITION_KEY,
      [SORT_KEY]: `${alert.sentAt}#${alert.id}`,
      id: alert.id,
      reference: alert.reference,
      kind: alert.kind,
      severity: alert.severity,
      pairId: { zoneId: alert.pairId.zoneId, name: alert.pairId.name, type: alert.pairId.type },
      subject: alert.subject,
      sentAt: alert.sentAt,
      snsMessageId: alert.snsMessageId,
      ...(historyDays > 0 ? { [TTL_ATTRIBUTE]: Math.floor(Date.parse(alert.sentAt) / 1000) + historyDays * SECONDS_PER_DAY } : {}),
    };
    await withStoreError(`recording test alert ${alert.id}`, () => this.table.client.send(new PutCommand({ TableName: this.table.tableName, Item: item })));
  }

  async listTestAlerts(since?: Date): Promise<readonly TestAlert[]> {
    const items = await queryItems(
      this.table,
      {
        KeyConditionExpression: since === undefined ? `#${PARTITION_KEY} = :pk` : `#${PARTITION_KEY} = :pk AND #${SORT_KEY} >= :since`,
        ExpressionAttributeValues: { ':pk': TEST_ALERT_PARTITION_KEY, ...(since === undefined ? {} : { ':since': since.toISOString() }) },
        ScanIndexForward: false,
        ConsistentRead: true,
      },
      Number.POSITIVE_INFINITY,
      'listing test alerts',
    );
    return items.map(parseTestAlertItem);
  }
}

function parseTestAlertItem(item: Item): TestAlert {
  const where = `test alert item ${String(item[SORT_KEY])}`;
  const pairId = map(item, 'pairId', where);
  return {
    id: text(item, 'id', where),
    reference: text(item, 'reference', where),
    kind: oneOf<TestAlert['kind']>(item, 'kind', [...Object.values(TransitionKind), ...Object.values(NoticeKind)], where),
    severity: oneOf(item, 'severity', Object.values(Severity), where),
    pairId: { zoneId: text(pairId, 'zoneId', where), name: text(pairId, 'name', where), type: text(pairId, 'type', where) },
    subject: text(item, 'subject', where),
    sentAt: text(item, 'sentAt', where),
    snsMessageId: text(item, 'snsMessageId', where),
  };
}
