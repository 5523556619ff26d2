import { RecordedEvent } from '@tally/event-store';
import { ReportState, evolve } from '../domain';
import { asReportEvent } from '../report-stream';

/**
 * Folds a batch of events (in commit order, any number of reports) into `states`, keyed by
 * report id, calling `each` with the state before and after every event.
 */
export function foldByReport(
  events: readonly RecordedEvent[],
  states: Map<string, ReportState>,
  each?: (
    recorded: RecordedEvent,
    before: ReportState | null,
    after: ReportState,
    folded: ReturnType<typeof asReportEvent>,
  ) => void,
): void {
  for (const recorded of events) {
    const folded = asReportEvent(recorded);
    const before = states.get(folded.stamp.reportId) ?? null;
    const after = evolve(before, folded.event, folded.stamp);
    states.set(folded.stamp.reportId, after);
    each?.(recorded, before, after, folded);
  }
}
