/**
 * What the Flink application's lifecycle custom resource does, as pure decisions: CloudFormation creates the
 * application stopped, so on Create (and on Update, when it is stopped) the resource starts it; on Delete it stops it —
 * forced, without a snapshot — and waits until it is READY, before CloudFormation deletes its logging option and the
 * application itself. The original told users to stop the application by hand first, or see deletion errors.
 */

/** The application statuses of the Managed Service for Apache Flink API. */
export type ApplicationStatus =
  | 'DELETING'
  | 'STARTING'
  | 'STOPPING'
  | 'READY'
  | 'RUNNING'
  | 'UPDATING'
  | 'AUTOSCALING'
  | 'FORCE_STOPPING'
  | 'ROLLING_BACK'
  | 'MAINTENANCE'
  | 'ROLLED_BACK';

export type LifecycleStep =
  /** Call StartApplication, then report success (starting takes minutes; the application's alarms watch it). */
  | { readonly kind: 'start' }
  /** Call StopApplication with Force, then wait. */
  | { readonly kind: 'stop' }
  /** Ask again after a pause: the application is changing state. */
  | { readonly kind: 'wait' }
  /** Report success. */
  | { readonly kind: 'done' };

const BUSY: readonly ApplicationStatus[] = [
  'STARTING',
  'STOPPING',
  'UPDATING',
  'AUTOSCALING',
  'FORCE_STOPPING',
  'ROLLING_BACK',
  'MAINTENANCE',
];

/**
 * The next step for a request, given the application's status (undefined: it does not exist any more).
 * `start` is the resource's Start property: false leaves the application as it is on Create and Update.
 */
export function nextStep(
  requestType: 'Create' | 'Update' | 'Delete',
  status: ApplicationStatus | undefined,
  start: boolean,
): LifecycleStep {
  if (status === undefined || status === 'DELETING') return { kind: 'done' };
  if (requestType === 'Delete') {
    if (status === 'READY' || status === 'ROLLED_BACK') return { kind: 'done' };
    if (status === 'RUNNING') return { kind: 'stop' };
    // Stopping a starting or updating application is refused; force-stopping one that is stopping is harmless.
    return status === 'STOPPING' || status === 'FORCE_STOPPING' ? { kind: 'wait' } : { kind: 'stop' };
  }
  if (!start) return { kind: 'done' };
  if (status === 'READY' || status === 'ROLLED_BACK') return { kind: 'start' };
  if (BUSY.includes(status) && status !== 'STARTING') return { kind: 'wait' };
  return { kind: 'done' };
}

/** The body CloudFormation expects at the request's ResponseURL. */
export function responseBody(
  request: {
    readonly StackId: string;
    readonly RequestId: string;
    readonly LogicalResourceId: string;
    readonly PhysicalResourceId?: string;
  },
  outcome:
    | { readonly ok: true; readonly physicalResourceId: string }
    | { readonly ok: false; readonly reason: string; readonly physicalResourceId: string },
): string {
  return JSON.stringify({
    Status: outcome.ok ? 'SUCCESS' : 'FAILED',
    Reason: outcome.ok ? 'done' : outcome.reason.slice(0, 1000),
    PhysicalResourceId: outcome.physicalResourceId,
    StackId: request.StackId,
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
    NoEcho: false,
  });
}
