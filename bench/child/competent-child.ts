/** The competent poller (bench/competent-poller.ts) as a handler module, bundled like the functions and served by bench/child/runtime.ts. */
import { createCompetentPoller } from '../competent-poller';

export const handler = createCompetentPoller();
