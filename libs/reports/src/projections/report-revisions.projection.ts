import { InlineProjection, RecordedEvent } from '@tally/event-store';
import { PoolClient } from 'pg';
import { REPORT_EVENT_TYPES, ReportState, diffReports, evolve, revisionKind } from '../domain';
import { asReportEvent } from '../report-stream';

/**
 * `report_revisions`: one row per revision with what it changed, who, why, on what source, its
 * hash, and the state after it, so that time travel and diffs read one row instead of a fold.
 */
export class ReportRevisionsProjection implements InlineProjection {
  readonly name = 'report_revisions';
  readonly tables = ['report_revisions'];
  readonly handles = REPORT_EVENT_TYPES;

  async apply(tx: PoolClient, events: readonly RecordedEvent[]): Promise<void> {
    for (const recorded of events) {
      const { event, stamp } = asReportEvent(recorded);
      const { rows } = await tx.query<{ state: ReportState }>(
        'SELECT state FROM report_revisions WHERE report_id = $1 AND revision = $2',
        [stamp.reportId, stamp.revision - 1],
      );
      const before = rows[0]?.state ?? null;
      const after = evolve(before, event, stamp);
      await tx.query(
        `INSERT INTO report_revisions (report_id, revision, kind, reason, actor, recorded_at,
                                       reported_at, source, changes, hash, state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          stamp.reportId,
          stamp.revision,
          revisionKind(event),
          event.data.reason,
          recorded.metadata.actor ?? null,
          stamp.recordedAt,
          event.data.reportedAt ?? stamp.recordedAt,
          event.data.source ? JSON.stringify(event.data.source) : null,
          JSON.stringify(diffReports(before, after)),
          recorded.hash,
          JSON.stringify(after),
        ],
      );
    }
  }
}
