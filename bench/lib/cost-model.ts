import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { round } from './stats.ts';

/** One price of the table in bench/prices/: `usd` for every `per` units. */
interface Price {
  usd: number;
  per: number;
  unit: string;
  source: string;
  forRegion: boolean;
  caveat?: string;
}

export interface PriceTable {
  region: string;
  regionName: string;
  currency: string;
  assembled: string;
  prices: Record<PriceName, Price>;
  notModelled: Record<string, string>;
}

type PriceName =
  | 'apiGatewayHttpRequest'
  | 'lambdaRequest'
  | 'lambdaGbSecondArm'
  | 'lambdaGbSecondX86'
  | 'dynamoDbWriteRequestUnit'
  | 'dynamoDbReadRequestUnit'
  | 'stepFunctionsStandardTransition'
  | 'eventBridgeCustomEvent'
  | 's3PutRequest'
  | 's3GetRequest'
  | 's3StorageGbMonth';

export function loadPriceTable(region = 'eu-west-3'): PriceTable {
  return JSON.parse(
    readFileSync(join(import.meta.dirname, '..', 'prices', `aws-${region}.json`), 'utf8'),
  ) as PriceTable;
}

/** What one order consumed, measured from its real calls. */
export interface OrderUsage {
  apiGatewayRequests: number;
  lambdaRequests: number;
  lambdaGbSecondsArm: number;
  lambdaGbSecondsX86: number;
  dynamoDbReadUnits: number;
  dynamoDbWriteUnits: number;
  stateTransitions: number;
  /** in 64 KB chunks */
  eventBridgeEvents: number;
  s3PutRequests: number;
  s3GetRequests: number;
  s3BytesStored: number;
}

export interface CostLine {
  service: string;
  perOrder: number;
  unit: string;
  usdPerMillionOrders: number;
  priceForRegion: boolean;
}

const lines: [keyof OrderUsage, PriceName, string][] = [
  ['apiGatewayRequests', 'apiGatewayHttpRequest', 'API Gateway HTTP API requests'],
  ['lambdaRequests', 'lambdaRequest', 'Lambda requests'],
  ['lambdaGbSecondsArm', 'lambdaGbSecondArm', 'Lambda duration, arm64 (GB-s)'],
  ['lambdaGbSecondsX86', 'lambdaGbSecondX86', 'Lambda duration, x86_64 (GB-s)'],
  ['dynamoDbReadUnits', 'dynamoDbReadRequestUnit', 'DynamoDB read request units'],
  ['dynamoDbWriteUnits', 'dynamoDbWriteRequestUnit', 'DynamoDB write request units'],
  ['stateTransitions', 'stepFunctionsStandardTransition', 'Step Functions Standard transitions'],
  ['eventBridgeEvents', 'eventBridgeCustomEvent', 'EventBridge custom events'],
  ['s3PutRequests', 's3PutRequest', 'S3 PUT requests (labels)'],
  ['s3GetRequests', 's3GetRequest', 'S3 GET requests (labels)'],
];

/**
 * USD per million orders of the given usage at the table's list prices, one line per billed item;
 * storage is a monthly charge, so it is priced apart (`labelStoragePerMonthUsd`: a million orders'
 * labels kept for a month), not in the total.
 */
export function costPerMillionOrders(usage: OrderUsage, table: PriceTable) {
  const priced: CostLine[] = lines
    .filter(([quantity]) => usage[quantity] > 0)
    .map(([quantity, name, service]) => {
      const price = table.prices[name];
      return {
        service,
        perOrder: round(usage[quantity], 4),
        unit: price.unit,
        usdPerMillionOrders: round(((usage[quantity] * 1_000_000) / price.per) * price.usd, 3),
        priceForRegion: price.forRegion,
      };
    });
  const storage = table.prices.s3StorageGbMonth;
  return {
    region: table.region,
    pricesAssembled: table.assembled,
    totalUsd: round(
      priced.reduce((sum, line) => sum + line.usdPerMillionOrders, 0),
      2,
    ),
    lines: priced,
    labelStoragePerMonthUsd: round(((usage.s3BytesStored * 1_000_000) / 1e9 / storage.per) * storage.usd, 3),
  };
}
