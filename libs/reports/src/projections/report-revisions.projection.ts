import {
  LoaderWrite,
  PendingEvent,
  ProjectionStatement,
  RecordedEvent,
  copyRows,
} from '@tally/event-store';
import { PoolClient } from 'pg';
import { ReportState, loggedState, revisionClaims, revisionKind } from '../domain';
import { ReportStatesProjection, foldByReport } from './report-states';

/** The columns of a row, but its hash, which the append computes. */
const COLUMNS = [
  'report_id',
  'revision',
  'kind',
  'reason',
  'actor',
  'recorded_at',
  'reported_at',
  'source',
  'changes',
  'claims',
  'state',
] as const;

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
    fold: typeof foldByReport,
  ): ProjectionStatement {
    const records = rowsOf(events, states, fold).map((row, i) => ({
      stream_id: events[i].streamId,
      ...Object.fromEntries(COLUMNS.map((column, c) => [column, row[c]])),
    }));
    return {
      text: `INSERT INTO report_revisions (${COLUMNS.join(', ')}, hash)
             SELECT ${COLUMNS.map((c) => `r.${c}`).join(', ')}, a.hash
               FROM jsonb_to_recordset($${first}::jsonb) AS r(stream_id text, report_id uuid,
                    revision integer, kind text, reason text, actor text,
                    recorded_at timestamptz, reported_at timestamptz, source jsonb,
                    changes jsonb, claims jsonb, state jsonb)
               JOIN appended a ON a.stream_id = r.stream_id AND a.stream_version = r.revision`,
      values: [JSON.stringify(records)],
    };
  }

  /** The rows of recorded events, with their hashes, copied in. */
  protected load(
    events: readonly RecordedEvent[],
    states: Map<string, ReportState>,
    fold: typeof foldByReport,
  ): LoaderWrite {
    const rows = rowsOf(events, states, fold);
    rows.forEach((row, i) => row.push(events[i].hash));
    return copyRows('report_revisions', [...COLUMNS, 'hash'], rows);
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

/** Each event's row, in the order of COLUMNS, folding `states` forward. */
function rowsOf(
  events: readonly PendingEvent[],
  states: Map<string, ReportState>,
  fold: typeof foldByReport,
): unknown[][] {
  const rows: unknown[][] = [];
  fold(events, states, (recorded, _before, after, { event, stamp }, changes) => {
    rows.push([
      stamp.reportId,
      stamp.revision,
      revisionKind(event),
      event.data.reason,
      recorded.metadata.actor ?? null,
      stamp.recordedAt,
      event.data.reportedAt ?? stamp.recordedAt,
      event.data.source,
      changes(),
      revisionClaims(event, stamp),
      loggedState(after),
    ]);
  });
  return rows;
}
