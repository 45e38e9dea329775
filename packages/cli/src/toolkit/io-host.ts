/**
 * The CDK toolkit's IoHost for streamkit: the toolkit's messages become streamkit's progress output, and its
 * questions (approve security-sensitive changes, confirm a destroy) are answered by the command's flags or a prompt.
 *
 * Library code never prints; this host is the CLI's side of the toolkit, so it does, through `output`.
 */
import { stripVTControlCharacters } from 'node:util';
import type { IIoHost, IoMessage, IoRequest, StackActivity } from '@aws-cdk/toolkit-lib';
import { output } from '../output.ts';

/** When a deploy needs the user's approval: as the CDK CLI's `--require-approval`. */
export const REQUIRE_APPROVAL = ['never', 'any-change', 'broadening'] as const;
export type RequireApproval = (typeof REQUIRE_APPROVAL)[number];

/** A resource event CloudFormation reported as failed, with its reason: what a failed deployment is explained by. */
export interface ResourceFailure {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly status: string;
  readonly reason: string;
}

export interface ProgressIoHostOptions {
  /** @default 'broadening' (the CDK CLI's default) */
  readonly requireApproval?: RequireApproval;
  /** Answer every question yes (`--yes`; for destroy also `--force`). */
  readonly yes?: boolean;
  /** Asks the user a yes/no question; undefined when there is no terminal to ask on. */
  readonly confirm?: ((question: string) => Promise<boolean>) | undefined;
  /** Print every toolkit message, not only stack events and warnings. */
  readonly verbose?: boolean;
}

const STACK_ACTIVITY = 'CDK_TOOLKIT_I5502';
const STACK_DIFF = 'CDK_TOOLKIT_I4002';
const CONFIRM_DEPLOY = 'CDK_TOOLKIT_I5060';
const CONFIRM_DESTROY = 'CDK_TOOLKIT_I7010';

/** CloudFormation writes this reason on every resource it stops because another one failed: not the cause. */
const CANCELLED = /cancelled/i;

export class ProgressIoHost implements IIoHost {
  /** Failed resource events in the order they came, root causes first (cancellations left out). */
  readonly failures: ResourceFailure[] = [];
  /** The stack's own status in its latest event (`ROLLBACK_COMPLETE`…). */
  stackStatus: string | undefined;
  /** How a diff changes IAM permissions and security groups: `none`, `broadening` or `non-broadening`. */
  permissionChanges: string | undefined;
  /** Why a question was answered no, when it was: the error the command reports instead of "cancelled". */
  declined: string | undefined;

  constructor(private readonly options: ProgressIoHostOptions = {}) {}

  async notify(msg: IoMessage<unknown>): Promise<void> {
    if (msg.code === STACK_ACTIVITY) {
      this.stackActivity(msg.data as StackActivity);
      return;
    }
    if (msg.code === STACK_DIFF) {
      const permissions = (msg.data as { permissionChanges?: string }).permissionChanges;
      if (permissions) this.permissionChanges = permissions;
    }
    // `diff` warns as if deploying ("…sensitive changes according to your current security approval level. Please
    // confirm…"), but asks nothing; the diff's summary names the permission change instead.
    if (msg.action === 'diff' && msg.level === 'warn' && /approval level/.test(msg.message)) return;
    if (msg.level === 'warn' || msg.level === 'error' || this.options.verbose) {
      const text = plain(msg.message);
      if (text) output.progress(msg.level === 'warn' ? `warning: ${text}` : text);
    }
  }

  async requestResponse<T, U>(msg: IoRequest<T, U>): Promise<U> {
    if (msg.code === CONFIRM_DEPLOY) return (await this.approveDeploy(msg)) as U;
    if (msg.code === CONFIRM_DESTROY) return (await this.confirmDestroy(msg.message)) as U;
    return msg.defaultResponse;
  }

  /** One line per stack event: `[3/21] CREATE_COMPLETE AWS::Kinesis::Stream Stream (reason)`. */
  private stackActivity(activity: StackActivity): void {
    const event = activity.event;
    const status = event.ResourceStatus ?? '';
    const reason = event.ResourceStatusReason ? ` — ${plain(event.ResourceStatusReason)}` : '';
    output.progress(
      `[${activity.progress.formatted.trim()}] ${status} ${event.ResourceType ?? ''} ${event.LogicalResourceId ?? ''}${reason}`,
    );
    if (event.ResourceType === 'AWS::CloudFormation::Stack' && event.LogicalResourceId === event.StackName) {
      this.stackStatus = status;
    }
    if (status.endsWith('_FAILED') && event.ResourceStatusReason && !CANCELLED.test(event.ResourceStatusReason)) {
      this.failures.push({
        logicalId: event.LogicalResourceId ?? '?',
        resourceType: event.ResourceType ?? '?',
        status,
        reason: plain(event.ResourceStatusReason),
      });
    }
  }

  private async approveDeploy(msg: IoRequest<unknown, unknown>): Promise<boolean> {
    const policy = this.options.requireApproval ?? 'broadening';
    const broadening = (msg.data as { permissionChangeType?: string }).permissionChangeType === 'broadening';
    if (policy === 'never' || (policy === 'broadening' && !broadening) || this.options.yes) return true;
    const what = broadening ? 'security-sensitive changes (IAM or security groups broadened)' : 'changes';
    if (!this.options.confirm) {
      this.declined =
        `the deployment makes ${what} and --require-approval is ${policy}, but there is no terminal to ask on. ` +
        'Review them with `streamkit diff`, then pass --yes (or --require-approval never).';
      return false;
    }
    output.progress(plain(msg.message));
    const approved = await this.options.confirm(`Deploy these ${what}?`);
    if (!approved) this.declined = 'deployment declined; nothing was changed';
    return approved;
  }

  private async confirmDestroy(question: string): Promise<boolean> {
    if (this.options.yes) return true;
    if (!this.options.confirm) {
      this.declined = 'destroy needs confirmation and there is no terminal to ask on: pass --force';
      return false;
    }
    const confirmed = await this.options.confirm(`${plain(question)}? Every resource of the stack is deleted.`);
    if (!confirmed) this.declined = 'destroy declined; nothing was deleted';
    return confirmed;
  }
}

/** Toolkit messages carry colour codes and blank lines meant for its own printer. */
function plain(text: string): string {
  return stripVTControlCharacters(text).trim();
}
