/**
 * ParameterInspector on SSM Parameter Store: a parameter's type from DescribeParameters (a name filter),
 * which never returns, and so never decrypts, the value. IAM: ssm:DescribeParameters (it has no
 * resource-level permission: "*").
 */
import { DescribeParametersCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { ParameterInspector } from '../../usecases/console-ports';
import { consoleReadError } from '../sdk-errors';

export class SsmParameterInspector implements ParameterInspector {
  constructor(private readonly client: Pick<SSMClient, 'send'>) {}

  async parameterType(name: string): Promise<string | undefined> {
    try {
      const output = await this.client.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: [name] }] }));
      return output.Parameters?.find((parameter) => parameter.Name === name)?.Type;
    } catch (error) {
      throw consoleReadError('ssm:DescribeParameters', `parameter ${name}`, error);
    }
  }
}
