import { getProducts, putProduct } from '../adapters/network-store.ts';
import { UnknownReference, ValidationFailed } from '../shared/errors.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, id, productBody } from '../shared/schemas.ts';

export const handler = httpRoute(apiRequest(productBody, { sku: id }), async (event) => {
  const { sku } = event.pathParameters;
  const kit = event.body.kit ?? [];
  if (kit.some((c) => c.sku === sku))
    throw new ValidationFailed('a kit cannot contain itself', {
      errors: [{ field: 'kit', message: 'contains the kit itself' }],
    });
  const components = await getProducts(kit.map((c) => c.sku));
  const unknown = kit.filter((c) => !components.has(c.sku));
  if (unknown.length > 0)
    throw new UnknownReference(`unknown kit components: ${unknown.map((c) => c.sku).join(', ')}`, {
      errors: unknown.map((c) => ({ field: 'kit.sku', message: `${c.sku} is not a known product` })),
    });
  if ([...components.values()].some((c) => c.kit?.length))
    throw new ValidationFailed('a kit cannot contain another kit', {
      errors: [{ field: 'kit', message: 'nested kit' }],
    });
  return json(200, await putProduct({ sku, ...event.body }));
});
