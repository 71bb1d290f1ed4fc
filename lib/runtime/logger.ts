import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs; level and service name follow POWERTOOLS_LOG_LEVEL / POWERTOOLS_SERVICE_NAME. */
export const logger = new Logger({ serviceName: 'failwatch' });
