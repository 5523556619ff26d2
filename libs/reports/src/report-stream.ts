import { PendingEvent } from '@tally/event-store';
import { ReportEvent, RevisionStamp, fromStored } from './domain';

/** Each report is one stream; its version is the report's revision. */
export function reportStreamId(reportId: string): string {
  return `report-${reportId}`;
}

export function reportIdOf(streamId: string): string {
  return streamId.slice('report-'.length);
}

/** The distinct reports a batch of events touches, in first-seen order. */
export function reportIdsOf(events: readonly PendingEvent[]): string[] {
  return [...new Set(events.map((event) => reportIdOf(event.streamId)))];
}

/** The domain's view of a stored event: its data, and the revision and time it was recorded. */
export function asReportEvent(recorded: PendingEvent): {
  event: ReportEvent;
  stamp: RevisionStamp;
} {
  return {
    event: fromStored(recorded.type, recorded.schemaVersion ?? 1, recorded.data),
    stamp: {
      reportId: reportIdOf(recorded.streamId),
      revision: recorded.streamVersion,
      recordedAt: recorded.recordedAt.toISOString(),
    },
  };
}
