import { Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HttpRouteFunction } from './functions-manifest.ts';

export interface RelaisHttpApiProps {
  jwtIssuer: string;
  jwtAudience: string;
}

/** One line of JSON per request, with the HTTP API's own context variables. */
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
  }),
);

/** Why a route may go without the JWT authorizer; any other public route must be argued here first. */
function publicRouteReason(route: string, path: string): string {
  if (path === '/health') return `${route} is a liveness probe: it answers {status:"ok"} and reads no data.`;
  if (path.startsWith('/webhooks/carriers/')) {
    return (
      `${route} is called by carriers, which hold no JWT: the handler authenticates every request by its ` +
      'HMAC-SHA256 signature (X-Relais-Signature) and refuses one more than 300 s old.'
    );
  }
  throw new Error(`${route} is marked public in the manifest but lib/http-api.ts has no reason for it`);
}

/**
 * The HTTP contract (design, section 6) on an API Gateway HTTP API: one route per manifest entry,
 * each integrated with its own function (payload format 2.0), behind a JWT authorizer unless the
 * manifest marks the route public.
 */
export class RelaisHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  private readonly authorizer: HttpJwtAuthorizer;

  constructor(scope: Construct, id: string, props: RelaisHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'Relais order management HTTP API',
      createDefaultStage: false,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: { rateLimit: 500, burstLimit: 1000 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(
          new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH }),
        ),
        format: accessLogFormat,
      },
    });
    this.authorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.jwtIssuer, {
      jwtAudience: [props.jwtAudience],
    });
  }

  addRoute(spec: HttpRouteFunction, handler: IFunction): HttpRoute {
    const [method, path] = spec.route.split(' ') as [keyof typeof HttpMethod, string];
    const route = new HttpRoute(this, `${spec.id}Route`, {
      httpApi: this.api,
      routeKey: HttpRouteKey.with(path, HttpMethod[method]),
      integration: new HttpLambdaIntegration(`${spec.id}Integration`, handler),
      authorizer: spec.authorized ? this.authorizer : new HttpNoneAuthorizer(),
    });
    if (!spec.authorized) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: publicRouteReason(spec.route, path),
      });
    }
    return route;
  }

  get url(): string {
    return this.stage.url;
  }
}
