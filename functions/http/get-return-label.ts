import { ports } from '../adapters/aws-ports.ts';
import { returnLabel } from '../app/return-intake.ts';
import { httpRoute, pdf } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';

/** The return's prepaid PDF label, behind the same auth as the rest of the API. */
export const handler = httpRoute(apiQuery({ returnId: id }, {}), async (event) => {
  const { returnId } = event.pathParameters;
  return pdf(await returnLabel(ports(), returnId), `return-${returnId}.pdf`);
});
