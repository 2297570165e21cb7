import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Every read a repository makes, including the condition checks of a transaction. */
export const tableReadActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
] as const;
/** Writes, also those inside `TransactWriteItems` (which needs the action of each item it holds). */
export const tableWriteActions = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

/**
 * A table with its index names known, so grants can name each index ARN instead of `index/*`.
 */
export class RelaisTable extends Construct {
  readonly table: Table;
  private readonly indexNames: string[];

  constructor(
    scope: Construct,
    id: string,
    props: {
      partitionKey: string;
      sortKey?: string;
      indexes?: string[];
      timeToLiveAttribute?: string;
      stream?: StreamViewType;
    },
  ) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: props.partitionKey, type: AttributeType.STRING },
      sortKey: props.sortKey === undefined ? undefined : { name: props.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: props.timeToLiveAttribute,
      stream: props.stream,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.indexNames = props.indexes ?? [];
    for (const indexName of this.indexNames) {
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: `${indexName}PK`, type: AttributeType.STRING },
        sortKey: { name: `${indexName}SK`, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
  }

  get tableName(): string {
    return this.table.tableName;
  }

  grantRead(grantee: IGrantable): void {
    this.grant(grantee, tableReadActions);
  }

  grantReadWrite(grantee: IGrantable): void {
    this.grant(grantee, [...tableReadActions, ...tableWriteActions]);
  }

  /** New items only (the outbox's events, also inside `TransactWriteItems`): no read, no change. */
  grantPut(grantee: IGrantable): void {
    this.grant(grantee, ['dynamodb:PutItem']);
  }

  private grant(grantee: IGrantable, actions: readonly string[]): void {
    const indexArns = this.indexNames.map((name) => `${this.table.tableArn}/index/${name}`);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...actions], resources: [this.table.tableArn, ...indexArns] }),
    );
  }
}

/** The tables of Relais (design, section 8). Physical names are left to CloudFormation. */
export class RelaisTables extends Construct {
  readonly orders: RelaisTable;
  readonly inventory: RelaisTable;
  readonly network: RelaisTable;
  readonly idempotency: RelaisTable;
  readonly outbox: RelaisTable;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // items that are only worth a while (ledger entries, daily counters) carry an `expiresAt` in epoch seconds
    this.orders = new RelaisTable(this, 'Orders', {
      partitionKey: 'PK',
      sortKey: 'SK',
      indexes: ['GSI1'],
      timeToLiveAttribute: 'expiresAt',
    });
    this.inventory = new RelaisTable(this, 'Inventory', {
      partitionKey: 'PK',
      sortKey: 'SK',
      timeToLiveAttribute: 'expiresAt',
    });
    this.network = new RelaisTable(this, 'Network', { partitionKey: 'PK', sortKey: 'SK' });
    // The Powertools idempotency table: its layout is the utility's default.
    this.idempotency = new RelaisTable(this, 'Idempotency', {
      partitionKey: 'id',
      timeToLiveAttribute: 'expiration',
    });
    // The transactional outbox: each event written in the transaction of its change; the stream
    // (the new item is the event) feeds the pipe to the bus; TTL removes it once delivered.
    this.outbox = new RelaisTable(this, 'Outbox', {
      partitionKey: 'PK',
      sortKey: 'SK',
      timeToLiveAttribute: 'expiresAt',
      stream: StreamViewType.NEW_IMAGE,
    });
  }
}
