import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/** One instance of each per process, configured from POWERTOOLS_* variables set by the stack. */
export const logger = new Logger({ serviceName: 'relais' });
export const tracer = new Tracer({ serviceName: 'relais' });
export const metrics = new Metrics({ namespace: 'Relais', serviceName: 'relais' });
