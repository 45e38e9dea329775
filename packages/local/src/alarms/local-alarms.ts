/**
 * The pipeline's alarms, evaluated locally: the same `AlarmDefinition`s the cloud stack turns into CloudWatch alarms
 * (core's `alarmsFor(spec)`), read against the local metrics. Each alarm starts INSUFFICIENT_DATA, as a new
 * CloudWatch alarm does, keeps a history of its state changes, and announces them on `streamkit:alarm:state`.
 *
 * Periods are aligned to the clock, as CloudWatch's are. The newest period is the one in progress, so an error shows
 * at the next evaluation instead of after the minute ends (parity.md).
 */
import { channel } from 'node:diagnostics_channel';
import { type AlarmDefinition, LIMITS } from '@streamkit/core';
import type { Dimensions, MetricStore } from '../metrics/metric-store.ts';
import { statisticOf } from '../metrics/metric-store.ts';
import { type AlarmState, evaluateAlarm } from './alarm-evaluation.ts';

/** `streamkit:alarm:state` — one message per state change of a local alarm. */
export const alarmStateChannel = channel('streamkit:alarm:state');

export interface AlarmHistoryItem {
  /** Epoch ms. */
  readonly timestamp: number;
  readonly oldState: AlarmState;
  readonly newState: AlarmState;
  readonly reason: string;
}

export interface AlarmStatus {
  readonly definition: AlarmDefinition;
  readonly dimensions: Dimensions;
  readonly state: AlarmState;
  readonly reason: string;
  /** When the state last changed (epoch ms). */
  readonly updatedAt: number;
  /** Newest first, at most LIMITS.dashboard.alarmHistory entries. */
  readonly history: readonly AlarmHistoryItem[];
}

export interface AlarmStateMessage extends AlarmHistoryItem {
  readonly alarm: string;
}

export interface LocalAlarmsOptions {
  readonly definitions: readonly AlarmDefinition[];
  /** The dimensions of each definition's resource (local names). */
  readonly dimensionsOf: (definition: AlarmDefinition) => Dimensions;
  readonly store: MetricStore;
}

interface Slot {
  readonly definition: AlarmDefinition;
  readonly dimensions: Dimensions;
  state: AlarmState;
  reason: string;
  updatedAt: number;
  readonly history: AlarmHistoryItem[];
}

export class LocalAlarms {
  /**
   * Definitions the local target cannot evaluate because it does not run the resource they watch (a resource kind
   * with no local counterpart yet), with the reason. They still exist in the cloud stack.
   */
  readonly unevaluated: readonly { readonly definition: AlarmDefinition; readonly reason: string }[];
  private readonly slots: Slot[];
  private readonly store: MetricStore;

  constructor(options: LocalAlarmsOptions) {
    this.store = options.store;
    const now = this.store.now();
    const unevaluated: { definition: AlarmDefinition; reason: string }[] = [];
    this.slots = [];
    for (const definition of options.definitions) {
      let dimensions: Dimensions;
      try {
        dimensions = options.dimensionsOf(definition);
      } catch (error) {
        unevaluated.push({ definition, reason: (error as Error).message });
        continue;
      }
      this.slots.push({
        definition,
        dimensions,
        state: 'INSUFFICIENT_DATA',
        reason: 'Unchecked: initial alarm creation',
        updatedAt: now,
        history: [],
      });
    }
    this.unevaluated = unevaluated;
  }

  /** Evaluates every alarm now; returns the changes. */
  evaluate(): AlarmStateMessage[] {
    const now = this.store.now();
    const changes: AlarmStateMessage[] = [];
    for (const slot of this.slots) {
      const { definition } = slot;
      const evaluation = evaluateAlarm(definition, this.datapoints(slot, now), slot.state);
      if (evaluation.state === slot.state) {
        slot.reason = evaluation.reason;
        continue;
      }
      const item: AlarmHistoryItem = {
        timestamp: now,
        oldState: slot.state,
        newState: evaluation.state,
        reason: evaluation.reason,
      };
      slot.history.unshift(item);
      slot.history.length = Math.min(slot.history.length, LIMITS.dashboard.alarmHistory.value);
      slot.state = evaluation.state;
      slot.reason = evaluation.reason;
      slot.updatedAt = now;
      const message: AlarmStateMessage = { alarm: definition.id, ...item };
      changes.push(message);
      if (alarmStateChannel.hasSubscribers) alarmStateChannel.publish(message);
    }
    return changes;
  }

  /** The statistic of each of the last `evaluationPeriods` periods, oldest first, the newest being in progress. */
  private datapoints(slot: Slot, now: number): (number | undefined)[] {
    const { definition } = slot;
    const periodMs = definition.periodSeconds * 1000;
    const current = now - (now % periodMs);
    const id = { namespace: definition.namespace, metricName: definition.metricName, dimensions: slot.dimensions };
    const out: (number | undefined)[] = [];
    for (let i = definition.evaluationPeriods - 1; i >= 0; i--) {
      const start = current - i * periodMs;
      const set = this.store.aggregate(id, start, start + periodMs);
      out.push(set ? statisticOf(set, definition.statistic) : undefined);
    }
    return out;
  }

  /** Every alarm's state, reason and history. */
  list(): AlarmStatus[] {
    return this.slots.map((s) => ({
      definition: s.definition,
      dimensions: s.dimensions,
      state: s.state,
      reason: s.reason,
      updatedAt: s.updatedAt,
      history: [...s.history],
    }));
  }

  get(id: string): AlarmStatus | undefined {
    return this.list().find((a) => a.definition.id === id);
  }
}
