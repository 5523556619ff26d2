import { InlineProjection, RecordedEvent } from '@tally/event-store';
import { PoolClient } from 'pg';
import { REPORT_EVENT_TYPES, ReportState, evolve } from '../domain';
import { asReportEvent } from '../report-stream';

/** `report_current`: each report as it stands now, with its full state (the command side's snapshot). */
export class ReportCurrentProjection implements InlineProjection {
  readonly name = 'report_current';
  readonly tables = ['report_current'];
  readonly handles = REPORT_EVENT_TYPES;

  async apply(tx: PoolClient, events: readonly RecordedEvent[]): Promise<void> {
    for (const recorded of events) {
      const { event, stamp } = asReportEvent(recorded);
      const { rows } = await tx.query<{ state: ReportState }>(
        'SELECT state FROM report_current WHERE report_id = $1',
        [stamp.reportId],
      );
      const state = evolve(rows[0]?.state ?? null, event, stamp);
      await tx.query(
        `INSERT INTO report_current
           (report_id, revision, status, location, search, state, created_at, updated_at)
         VALUES ($1, $2, $3, $4,
                 to_tsvector('simple', $5 || ' ' || coalesce($6, '')), $7, $8, $9)
         ON CONFLICT (report_id) DO UPDATE SET
           revision = EXCLUDED.revision, status = EXCLUDED.status,
           location = EXCLUDED.location, search = EXCLUDED.search, state = EXCLUDED.state,
           updated_at = EXCLUDED.updated_at`,
        [
          state.id,
          state.revision,
          state.status,
          state.location,
          state.title,
          state.summary,
          JSON.stringify(state),
          state.createdAt,
          state.updatedAt,
        ],
      );
    }
  }
}
