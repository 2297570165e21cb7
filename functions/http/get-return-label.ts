import { readLabel } from '../adapters/labels.ts';
import { requireReturn } from '../adapters/return-store.ts';
import { NotFound } from '../shared/errors.ts';
import { httpRoute, pdf } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';

/** The return's prepaid PDF label, behind the same auth as the rest of the API. */
export const handler = httpRoute(apiQuery({ returnId: id }, {}), async (event) => {
  const { returnId } = event.pathParameters;
  const label = await readLabel((await requireReturn(returnId)).labelKey);
  if (!label) throw new NotFound(`return ${returnId} has no label`);
  return pdf(label, `return-${returnId}.pdf`);
});
