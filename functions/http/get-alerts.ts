import { ports } from '../adapters/aws-ports.ts';
import { reviewAlerts } from '../app/review-alerts.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery } from '../shared/schemas.ts';

/** The open business alerts, reviewed against the network as it is now (raising or clearing what changed). */
export const handler = httpRoute(apiQuery({}, {}), async () => {
  const alerts = await reviewAlerts(ports());
  return json(200, {
    items: alerts.map(({ alertId, kind, severity, subject, since, detail }) => ({
      alertId,
      kind,
      severity,
      subject,
      since,
      detail,
    })),
  });
});
