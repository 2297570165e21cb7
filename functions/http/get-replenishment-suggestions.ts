import { ports } from '../adapters/aws-ports.ts';
import { publicSuggestion, replenishmentSuggestions } from '../app/replenishment.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, suggestionsQuery } from '../shared/schemas.ts';

/** Transfer suggestions for a SKU (or every SKU in stock), computed from demand against stock now. */
export const handler = httpRoute(apiQuery({}, suggestionsQuery), async (event) => {
  const suggestions = await replenishmentSuggestions(ports(), { sku: event.queryStringParameters.sku });
  return json(200, { items: suggestions.map(publicSuggestion) });
});
