/**
 * TopicInspector on Amazon SNS: the topic's subscriptions (ListSubscriptionsByTopic, every page). A
 * subscription its subscriber has not confirmed yet shows `PendingConfirmation` instead of its ARN.
 * IAM: sns:ListSubscriptionsByTopic on the stage's topic.
 */
import { paginateListSubscriptionsByTopic, type SNSClient } from '@aws-sdk/client-sns';
import type { TopicInspector, TopicSubscription } from '../../usecases/console-ports';
import { consoleReadError, sdkErrorFacts } from '../sdk-errors';

const PENDING_CONFIRMATION = 'PendingConfirmation';
/** Both spellings: SNS's wire code and the SDK's exception name. */
const NOT_FOUND = new Set(['NotFound', 'NotFoundException']);

export class SnsTopicInspector implements TopicInspector {
  constructor(private readonly client: SNSClient) {}

  async listSubscriptions(topicArn: string): Promise<readonly TopicSubscription[] | undefined> {
    const subscriptions: TopicSubscription[] = [];
    try {
      for await (const page of paginateListSubscriptionsByTopic({ client: this.client }, { TopicArn: topicArn })) {
        for (const subscription of page.Subscriptions ?? []) {
          subscriptions.push({
            protocol: subscription.Protocol ?? '',
            endpoint: subscription.Endpoint ?? '',
            confirmed: subscription.SubscriptionArn !== undefined && subscription.SubscriptionArn !== PENDING_CONFIRMATION,
          });
        }
      }
    } catch (error) {
      if (NOT_FOUND.has(sdkErrorFacts(error).name)) return undefined;
      throw consoleReadError('sns:ListSubscriptionsByTopic', `topic ${topicArn}`, error);
    }
    return subscriptions;
  }
}
