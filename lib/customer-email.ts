import { Stack } from 'aws-cdk-lib';
import { Effect, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  EmailIdentity,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

/** Where the customers' e-mails come from when `relais:notificationSender` is not set. */
export const defaultNotificationSender = 'notifications@relais.example.com';

export interface CustomerEmailProps {
  /** the address the messages come from: verified as an SES identity */
  sender: string;
  configurationSetName: string;
}

/**
 * The SES side of notifications: the sender's identity, and a configuration set that requires TLS
 * to the receiving server, keeps reputation metrics, and stops sending to addresses that bounced
 * or complained. A function may send only from that identity, through that configuration set.
 */
export class CustomerEmail extends Construct {
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;
  readonly sender: string;
  readonly configurationSetName: string;

  constructor(scope: Construct, id: string, props: CustomerEmailProps) {
    super(scope, id);
    this.sender = props.sender;
    this.configurationSetName = props.configurationSetName;
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: props.configurationSetName,
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.identity = new EmailIdentity(this, 'Sender', {
      identity: Identity.email(props.sender),
      configurationSet: this.configurationSet,
    });
  }

  grantSend(role: IRole): void {
    const configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
    // SES v2 SendEmail is authorised against the identity and the configuration set it names.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['ses:SendEmail'],
        resources: [this.identity.emailIdentityArn, configurationSetArn],
      }),
    );
  }
}
