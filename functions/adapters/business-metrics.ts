import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { BusinessMetrics } from '../app/ports.ts';

/**
 * Business facts as Powertools metrics: buffered with the invocation's other metrics and printed as
 * one Embedded Metric Format line when the middleware flushes them (functions/shared/middleware.ts),
 * which CloudWatch Logs turns into metrics of the namespace Relais.
 */
export function powertoolsBusinessMetrics(metrics: Metrics): BusinessMetrics {
  return {
    count: (metric, times = 1) => {
      if (times > 0) metrics.addMetric(metric, MetricUnit.Count, times);
    },
  };
}
