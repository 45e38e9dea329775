/** EnableEnhancedMonitoring: turns shard-level metrics on (`ALL` for every one); see `enhanced-monitoring.ts`. */
import type { ActionContext } from '../action-context.ts';
import { changeEnhancedMonitoring } from '../enhanced-monitoring.ts';
import type { EnhancedMonitoringOutput } from '../shapes.ts';

export function enableEnhancedMonitoring(context: ActionContext, input: unknown): EnhancedMonitoringOutput {
  return changeEnhancedMonitoring(context, input, true);
}
