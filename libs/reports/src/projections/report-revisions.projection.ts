import { InlineProjection, RecordedEvent } from '@tally/event-store';
import { PoolClient } from 'pg';
import { REPORT_EVENT_TYPES, ReportState, diffReports, revisionKind } from '../domain';
import { reportIdsOf } from '../report-stream';
import { foldByReport, knownStatesBefore } from './fold-by-report';

/**
 * `report_revisions`: one row per revision with what it changed, who, why, on what source, its
 * hash, and the state after it, so that time travel and diffs read one row instead of a fold.
 */
export class ReportRevisionsProjection implements InlineProjection {
  readonly name = 'report_revisions';
  readonly tables = ['report_revisions'];
  readonly handles = REPORT_EVENT_TYPES;

  /**
   * Set-based: one read of each report's latest state (none when the appender knew them), one
   * write of all the new rows.
   */
  async apply(tx: PoolClient, events: readonly RecordedEvent[], known?: unknown): Promise<void> {
    const states = knownStatesBefore(events, known) ?? (await this.read(tx, reportIdsOf(events)));
    const records: object[] = [];
    foldByReport(events, states, (recorded, before, after, { event, stamp }) => {
      records.push({
        report_id: stamp.reportId,
        revision: stamp.revision,
        kind: revisionKind(event),
        reason: event.data.reason,
        actor: recorded.metadata.actor ?? null,
        recorded_at: stamp.recordedAt,
        reported_at: event.data.reportedAt ?? stamp.recordedAt,
        source: event.data.source,
        changes: diffReports(before, after),
        hash: recorded.hash,
        state: after,
      });
    });
    await tx.query({
      name: 'tally_report_revisions_write',
      text: `INSERT INTO report_revisions (report_id, revision, kind, reason, actor, recorded_at,
                                     reported_at, source, changes, hash, state)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(report_id uuid, revision integer,
              kind text, reason text, actor text, recorded_at timestamptz,
              reported_at timestamptz, source jsonb, changes jsonb, hash text, state jsonb)`,
      values: [JSON.stringify(records)],
    });
  }

  /** The latest row of each report: one index probe each, however long its history. */
  private async read(tx: PoolClient, reportIds: string[]): Promise<Map<string, ReportState>> {
    const { rows } = await tx.query<{ report_id: string; state: ReportState }>(
      `SELECT r.id AS report_id, latest.state
         FROM unnest($1::uuid[]) AS r(id)
         CROSS JOIN LATERAL (SELECT state FROM report_revisions
                              WHERE report_id = r.id ORDER BY revision DESC LIMIT 1) latest`,
      [reportIds],
    );
    return new Map(rows.map((row) => [row.report_id, row.state]));
  }
}
