import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * What an instance role needs for SSM Session Manager (streamkit's instances take no SSH): the agent registers the
 * instance and opens the session channels. AWS documents these actions with Resource "*": the ssmmessages actions
 * support no resource-level permissions (the acknowledgement `actionsWithoutResourceLevelPermissions` in nag.ts).
 */
export function allowSessionManager(role: iam.IRole): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'SessionManager',
      actions: [
        'ssm:UpdateInstanceInformation',
        'ssmmessages:CreateControlChannel',
        'ssmmessages:CreateDataChannel',
        'ssmmessages:OpenControlChannel',
        'ssmmessages:OpenDataChannel',
      ],
      resources: ['*'],
    }),
  );
}
