import { APIGatewayProxyEventV2Schema } from '@aws-lambda-powertools/parser/schemas/api-gatewayv2';
import { httpRoute, json } from '../shared/middleware.ts';

export const handler = httpRoute(APIGatewayProxyEventV2Schema, async () => json(200, { status: 'ok' }));
