/** An alarm container: the deployed handler export, as the Lambda runtime loads it. */
import { handler } from '../../handlers/alarm';
import { serveInvocations } from './runtime';

serveInvocations(handler);
