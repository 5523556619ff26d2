import { LoaderWrite, ProjectionStatement, RecordedEvent } from '@tally/event-store';
import { PoolClient } from 'pg';
import { ReportState, checkFlags, checksOf } from '../domain';
import { reportIdsOf, reportStreamId } from '../report-stream';
import { ReportStatesProjection, StatesBatch, foldByReport } from './report-states';

/** The row's columns as JSON, and how `jsonb_to_recordset` reads them back. */
const RECORD_COLUMNS = `stream_id text, report_id uuid, revision integer, status text,
  location text, title text, summary text, state jsonb, flags text[], created_at timestamptz,
  updated_at timestamptz`;

/** The columns written, from the records `r`. */
const INSERT = `INSERT INTO report_current
    (report_id, revision, status, location, search, state, flags, created_at, updated_at)
  SELECT r.report_id, r.revision, r.status, r.location,
         to_tsvector('simple', r.title || ' ' || coalesce(r.summary, '')),
         r.state, r.flags, r.created_at, r.updated_at`;

/** `report_current`: each report as it stands now, with its full state (the command side's snapshot). */
export class ReportCurrentProjection extends ReportStatesProjection {
  readonly name = 'report_current';
  readonly tables = ['report_current'];

  /** Each report's state after its last event of the batch, upserted. */
  protected write({ events, states, first, fold }: StatesBatch): ProjectionStatement {
    fold(events, states);
    const records = reportIdsOf(events).map((id) => recordOf(states.get(id)!));
    return {
      text: `${INSERT}
               FROM jsonb_to_recordset($${first}::jsonb) AS r(${RECORD_COLUMNS})
               JOIN appended a ON a.stream_id = r.stream_id AND a.stream_version = r.revision
             ON CONFLICT (report_id) DO UPDATE SET
               revision = EXCLUDED.revision, status = EXCLUDED.status,
               location = EXCLUDED.location, search = EXCLUDED.search, state = EXCLUDED.state,
               flags = EXCLUDED.flags, updated_at = EXCLUDED.updated_at`,
      values: [JSON.stringify(records)],
    };
  }

  protected load(
    events: readonly RecordedEvent[],
    states: Map<string, ReportState>,
    fold: typeof foldByReport,
  ): null {
    fold(events, states);
    return null;
  }

  /** A report's row is written once, when its last event has been folded. */
  protected override settle(states: readonly ReportState[]): LoaderWrite | null {
    if (states.length === 0) return null;
    const records = JSON.stringify(states.map(recordOf));
    return async (tx) => {
      await tx.query(`${INSERT} FROM jsonb_to_recordset($1::jsonb) AS r(${RECORD_COLUMNS})`, [
        records,
      ]);
    };
  }

  protected async read(tx: PoolClient, reportIds: string[]): Promise<Map<string, ReportState>> {
    const { rows } = await tx.query<{ report_id: string; state: ReportState }>(
      'SELECT report_id, state FROM report_current WHERE report_id = ANY($1::uuid[])',
      [reportIds],
    );
    return new Map(rows.map((row) => [row.report_id, row.state]));
  }
}

function recordOf(state: ReportState) {
  return {
    stream_id: reportStreamId(state.id),
    report_id: state.id,
    revision: state.revision,
    status: state.status,
    location: state.location,
    title: state.title,
    summary: state.summary,
    state,
    flags: checkFlags(checksOf(state.figures)),
    created_at: state.createdAt,
    updated_at: state.updatedAt,
  };
}
