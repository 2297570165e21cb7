/**
 * The template resolver answers pseudo parameters and ARNs from here, and the endpoints and the
 * functions' environment take their region and credentials from here, so that every part of the
 * local cloud names the same account.
 */

/** The one account and region the local cloud pretends to be. */
export const localAccount = {
  region: 'eu-west-1',
  accountId: '000000000000',
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
  /**
   * Dummy credentials for every local endpoint. s3rver checks signatures against its one built-in
   * key pair, and DynamoDB Local accepts any key made of letters and digits: this pair fits both.
   */
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
} as const;

const { region, accountId, partition } = localAccount;

export function functionArn(functionName: string): string {
  return `arn:${partition}:lambda:${region}:${accountId}:function:${functionName}`;
}

export function stateMachineArn(name: string): string {
  return `arn:${partition}:states:${region}:${accountId}:stateMachine:${name}`;
}

/** The function name in a function ARN (also a qualified one, `...:function:Name:alias`). */
export function functionNameOf(arn: string): string | undefined {
  return /:function:([^:]+)/.exec(arn)?.[1];
}
