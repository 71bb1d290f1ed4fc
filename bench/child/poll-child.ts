/** A poll container: the deployed handler export, as the Lambda runtime loads it. */
import { handler } from '../../handlers/poll';
import { serveInvocations } from './runtime';

serveInvocations(handler);
