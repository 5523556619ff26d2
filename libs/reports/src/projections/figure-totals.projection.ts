import { Projection, RecordedEvent } from '@tally/event-store';
import { PoolClient } from 'pg';
import { REPORT_EVENT_TYPES, ReportState, RevisionStamp } from '../domain';
import { reportIdsOf } from '../report-stream';
import { foldByReport } from './report-states';

interface Period {
  report_id: string;
  measure: string;
  revision: number;
  location: string | null;
  min: number;
  max: number;
  valid_from: string;
  valid_to: string | null;
}

/**
 * `stats_figure_periods`: for each report, each headline figure (a key without dimensions) with
 * the period it held as recorded. A retracted report holds none. Async: totals across reports
 * need no lock on the writers' path.
 */
export class FigureTotalsProjection implements Projection {
  readonly name = 'figure_totals';
  readonly tables = ['stats_reports', 'stats_figure_periods'];
  readonly handles = REPORT_EVENT_TYPES;

  /**
   * Set-based: one read of the batch's reports, one statement for every write. Each event closes
   * the periods its report held and opens the ones it holds now; a period opened and closed
   * within the batch is written closed, and the periods open before the batch are closed at the
   * time of its report's first event in it.
   */
  async apply(tx: PoolClient, events: readonly RecordedEvent[]): Promise<void> {
    const reportIds = reportIdsOf(events);
    const { rows } = await tx.query<{ report_id: string; state: ReportState }>(
      'SELECT report_id, state FROM stats_reports WHERE report_id = ANY($1::uuid[])',
      [reportIds],
    );
    const states = new Map(rows.map((row) => [row.report_id, row.state]));
    const closeStored = new Map<string, string>();
    const open = new Map<string, Period[]>();
    const periods: Period[] = [];
    foldByReport(events, states, (_recorded, _before, after, { stamp }) => {
      const { reportId, recordedAt } = stamp;
      if (!closeStored.has(reportId)) closeStored.set(reportId, recordedAt);
      for (const period of open.get(reportId) ?? []) period.valid_to = recordedAt;
      const opened = after.status === 'retracted' ? [] : headlinePeriods(after, stamp);
      open.set(reportId, opened);
      periods.push(...opened);
    });
    await tx.query({
      name: 'tally_figure_totals_write',
      text: `WITH closed AS (
         UPDATE stats_figure_periods p SET valid_to = c.valid_to
           FROM jsonb_to_recordset($1::jsonb) AS c(report_id uuid, valid_to timestamptz)
          WHERE p.report_id = c.report_id AND p.valid_to IS NULL
       ), opened AS (
         INSERT INTO stats_figure_periods
           (report_id, measure, revision, location, min, max, valid_from, valid_to)
         SELECT * FROM jsonb_to_recordset($2::jsonb) AS p(report_id uuid, measure text,
                revision integer, location text, min bigint, max bigint,
                valid_from timestamptz, valid_to timestamptz)
       )
       INSERT INTO stats_reports (report_id, state)
       SELECT s.report_id, s.state FROM jsonb_to_recordset($3::jsonb) AS s(report_id uuid,
              state jsonb)
       ON CONFLICT (report_id) DO UPDATE SET state = EXCLUDED.state`,
      values: [
        JSON.stringify([...closeStored].map(([report_id, valid_to]) => ({ report_id, valid_to }))),
        JSON.stringify(periods),
        JSON.stringify(reportIds.map((report_id) => ({ report_id, state: states.get(report_id) }))),
      ],
    });
  }
}

/** The periods a report's headline figures open at a revision. */
function headlinePeriods(state: ReportState, stamp: RevisionStamp): Period[] {
  return state.figures
    .filter((figure) => figure.key === figure.measure)
    .map((figure) => {
      const [min, max] =
        typeof figure.amount === 'number'
          ? [figure.amount, figure.amount]
          : [figure.amount.min, figure.amount.max];
      return {
        report_id: state.id,
        measure: figure.measure,
        revision: stamp.revision,
        location: state.location,
        min,
        max,
        valid_from: stamp.recordedAt,
        valid_to: null,
      };
    });
}
