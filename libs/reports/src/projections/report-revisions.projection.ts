import { PendingEvent, ProjectionStatement } from '@tally/event-store';
import { PoolClient } from 'pg';
import { ReportState, diffReports, revisionKind } from '../domain';
import { ReportStatesProjection, foldByReport } from './report-states';

/**
 * `report_revisions`: one row per revision with what it changed, who, why, on what source, its
 * hash, and the state after it, so that time travel and diffs read one row instead of a fold.
 */
export class ReportRevisionsProjection extends ReportStatesProjection {
  readonly name = 'report_revisions';
  readonly tables = ['report_revisions'];

  /** A row per event; its hash is the one the append recorded. */
  protected write(
    events: readonly PendingEvent[],
    states: Map<string, ReportState>,
    first: number,
  ): ProjectionStatement {
    const records: object[] = [];
    foldByReport(events, states, (recorded, before, after, { event, stamp }) => {
      records.push({
        stream_id: recorded.streamId,
        report_id: stamp.reportId,
        revision: stamp.revision,
        kind: revisionKind(event),
        reason: event.data.reason,
        actor: recorded.metadata.actor ?? null,
        recorded_at: stamp.recordedAt,
        reported_at: event.data.reportedAt ?? stamp.recordedAt,
        source: event.data.source,
        changes: diffReports(before, after),
        state: after,
      });
    });
    return {
      text: `INSERT INTO report_revisions (report_id, revision, kind, reason, actor, recorded_at,
                                           reported_at, source, changes, hash, state)
             SELECT r.report_id, r.revision, r.kind, r.reason, r.actor, r.recorded_at,
                    r.reported_at, r.source, r.changes, a.hash, r.state
               FROM jsonb_to_recordset($${first}::jsonb) AS r(stream_id text, report_id uuid,
                    revision integer, kind text, reason text, actor text,
                    recorded_at timestamptz, reported_at timestamptz, source jsonb,
                    changes jsonb, state jsonb)
               JOIN appended a ON a.stream_id = r.stream_id AND a.stream_version = r.revision`,
      values: [JSON.stringify(records)],
    };
  }

  /** The latest row of each report: one index probe each, however long its history. */
  protected async read(tx: PoolClient, reportIds: string[]): Promise<Map<string, ReportState>> {
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
