import { AsyncProjection, RecordedEvent } from '@tally/event-store';
import { PoolClient } from 'pg';
import { REPORT_EVENT_TYPES, ReportState, evolve } from '../domain';
import { asReportEvent } from '../report-stream';

/**
 * `stats_figure_periods`: for each report, each headline figure (a key without dimensions) with
 * the period it held as recorded. A retracted report holds none. Async: totals across reports
 * need no lock on the writers' path.
 */
export class FigureTotalsProjection implements AsyncProjection {
  readonly name = 'figure_totals';
  readonly tables = ['stats_reports', 'stats_figure_periods'];
  readonly handles = REPORT_EVENT_TYPES;

  async apply(tx: PoolClient, events: readonly RecordedEvent[]): Promise<void> {
    for (const recorded of events) {
      const { event, stamp } = asReportEvent(recorded);
      const { rows } = await tx.query<{ state: ReportState }>(
        'SELECT state FROM stats_reports WHERE report_id = $1',
        [stamp.reportId],
      );
      const after = evolve(rows[0]?.state ?? null, event, stamp);
      await tx.query(
        `UPDATE stats_figure_periods SET valid_to = $2
          WHERE report_id = $1 AND valid_to IS NULL`,
        [stamp.reportId, stamp.recordedAt],
      );
      if (after.status !== 'retracted') {
        for (const figure of after.figures) {
          if (figure.key !== figure.measure) continue;
          const [min, max] =
            typeof figure.amount === 'number'
              ? [figure.amount, figure.amount]
              : [figure.amount.min, figure.amount.max];
          await tx.query(
            `INSERT INTO stats_figure_periods
               (report_id, measure, revision, location, min, max, valid_from)
             VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            [
              stamp.reportId,
              figure.measure,
              stamp.revision,
              after.location,
              min,
              max,
              stamp.recordedAt,
            ],
          );
        }
      }
      await tx.query(
        `INSERT INTO stats_reports (report_id, state) VALUES ($1, $2)
         ON CONFLICT (report_id) DO UPDATE SET state = EXCLUDED.state`,
        [stamp.reportId, JSON.stringify(after)],
      );
    }
  }
}
