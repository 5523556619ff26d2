import { InlineProjection, RecordedEvent } from '@tally/event-store';
import { PoolClient } from 'pg';
import { Amount, REPORT_EVENT_TYPES, sameAmount, unreachable } from '../domain';
import { asReportEvent } from '../report-stream';

/** `report_figure_changes`: one row per revision that changed a figure, from and to. */
export class FigureHistoryProjection implements InlineProjection {
  readonly name = 'figure_history';
  readonly tables = ['report_figure_changes'];
  readonly handles = REPORT_EVENT_TYPES;

  async apply(tx: PoolClient, events: readonly RecordedEvent[]): Promise<void> {
    for (const recorded of events) {
      const { event, stamp } = asReportEvent(recorded);
      let changes: { key: string; to: Amount | null }[];
      switch (event.type) {
        case 'ReportFiled':
          changes = event.data.figures.map((f) => ({ key: f.key, to: f.amount }));
          break;
        case 'ReportRevised':
          changes = [
            ...event.data.figures.map((f) => ({ key: f.key, to: f.amount })),
            ...event.data.removedFigures.map((key) => ({ key, to: null })),
          ];
          break;
        case 'ReportRetracted':
        case 'ReportRestored':
          changes = [];
          break;
        default:
          return unreachable(event);
      }
      for (const { key, to } of changes) {
        const { rows } = await tx.query<{ to_amount: Amount | null }>(
          `SELECT to_amount FROM report_figure_changes
            WHERE report_id = $1 AND figure_key = $2 ORDER BY revision DESC LIMIT 1`,
          [stamp.reportId, key],
        );
        const from = rows[0]?.to_amount ?? null;
        if (sameAmount(from, to)) continue;
        await tx.query(
          `INSERT INTO report_figure_changes (report_id, figure_key, revision, from_amount, to_amount)
           VALUES ($1, $2, $3, $4, $5)`,
          [stamp.reportId, key, stamp.revision, JSON.stringify(from), JSON.stringify(to)],
        );
      }
    }
  }
}
