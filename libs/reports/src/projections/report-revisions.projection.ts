import {
  LoaderWrite,
  PendingEvent,
  ProjectionStatement,
  RecordedEvent,
  StreamLoader,
  copyRows,
} from '@tally/event-store';
import { PoolClient } from 'pg';
import {
  Change,
  DETAIL_FIELDS,
  ReportState,
  loggedState,
  revisionClaims,
  revisionKind,
} from '../domain';
import { ReportStatesProjection, StatesBatch, foldByReport } from './report-states';

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

/** The columns of `report_reported_fields`. */
const FIELD_COLUMNS = ['report_id', 'path', 'revision', 'reported_at', 'value'] as const;

/**
 * `report_revisions`: one row per revision with what it changed, who, why, on what source, its
 * hash, and the state after it, so that time travel and diffs read one row instead of a fold.
 * With it, the reported axis: `report_reported_fields` (each change to a field or the sources,
 * with its reported time) and `report_reported_heads` (the revisions no later revision was
 * reported at or before: the newest revision reported by a time is the last head reported by it).
 */
export class ReportRevisionsProjection extends ReportStatesProjection {
  readonly name = 'report_revisions';
  readonly tables = ['report_revisions', 'report_reported_fields', 'report_reported_heads'];

  /**
   * A row per event (its hash is the one the append recorded), one per field it changed, and the
   * heads: each report's heads reported at or after the batch's earliest go, its events that no
   * later one of the batch was reported at or before come.
   */
  protected write({ events, states, first, fold }: StatesBatch): ProjectionStatement {
    const rows = rowsOf(events, states, fold);
    const records = rows.revisions.map((row, i) => ({
      stream_id: events[i].streamId,
      ...Object.fromEntries(COLUMNS.map((column, c) => [column, row[c]])),
    }));
    const fields = rows.fields.map(({ streamId, row }) => ({
      stream_id: streamId,
      ...Object.fromEntries(FIELD_COLUMNS.map((column, c) => [column, row[c]])),
    }));
    const heads = headsOf(rows.heads);
    return {
      text: [
        `INSERT INTO report_revisions (${COLUMNS.join(', ')}, hash)
         SELECT ${COLUMNS.map((c) => `r.${c}`).join(', ')}, a.hash
           FROM jsonb_to_recordset($${first}::jsonb) AS r(stream_id text, report_id uuid,
                revision integer, kind text, reason text, actor text,
                recorded_at timestamptz, reported_at timestamptz, source jsonb,
                changes jsonb, claims jsonb, state jsonb)
           JOIN appended a ON a.stream_id = r.stream_id AND a.stream_version = r.revision`,
        `INSERT INTO report_reported_fields (${FIELD_COLUMNS.join(', ')})
         SELECT ${FIELD_COLUMNS.map((c) => `f.${c}`).join(', ')}
           FROM jsonb_to_recordset($${first + 1}::jsonb) AS f(stream_id text, report_id uuid,
                path text, revision integer, reported_at timestamptz, value jsonb)
           JOIN appended a ON a.stream_id = f.stream_id AND a.stream_version = f.revision`,
        `DELETE FROM report_reported_heads h
          USING jsonb_to_recordset($${first + 2}::jsonb) AS d(stream_id text, report_id uuid,
                revision integer, reported_at timestamptz)
           JOIN appended a ON a.stream_id = d.stream_id AND a.stream_version = d.revision
          WHERE h.report_id = d.report_id AND h.reported_at >= d.reported_at`,
        `INSERT INTO report_reported_heads (report_id, revision, reported_at)
         SELECT n.report_id, n.revision, n.reported_at
           FROM jsonb_to_recordset($${first + 3}::jsonb) AS n(stream_id text, report_id uuid,
                revision integer, reported_at timestamptz)
           JOIN appended a ON a.stream_id = n.stream_id AND a.stream_version = n.revision`,
      ],
      values: [
        JSON.stringify(records),
        JSON.stringify(fields),
        JSON.stringify(heads.passed),
        JSON.stringify(heads.kept),
      ],
    };
  }

  /**
   * The rows of recorded events, with their hashes, copied in; every revision as a head, until
   * `finish` keeps the heads alone.
   */
  protected load(
    events: readonly RecordedEvent[],
    states: Map<string, ReportState>,
    fold: typeof foldByReport,
  ): LoaderWrite {
    const rows = rowsOf(events, states, fold);
    rows.revisions.forEach((row, i) => row.push(events[i].hash));
    const writes = [
      copyRows('report_revisions', [...COLUMNS, 'hash'], rows.revisions),
      copyRows(
        'report_reported_fields',
        FIELD_COLUMNS,
        // jsonb from its text: a field's value may be a string.
        rows.fields.map(({ row }) => [...row.slice(0, -1), JSON.stringify(row[row.length - 1])]),
      ),
      copyRows(
        'report_reported_heads',
        ['report_id', 'revision', 'reported_at'],
        rows.heads.map((head) => [head.report_id, head.revision, head.reported_at]),
      ),
    ];
    return async (tx) => {
      for (const write of writes) await write(tx);
    };
  }

  /** The base loader, and at the end the heads kept alone: one pass over them, sorted. */
  override loader(pass: object): StreamLoader {
    const loader = super.loader(pass);
    return {
      load: loader.load,
      finish: () => {
        const finishing = loader.finish();
        return async (tx) => {
          await finishing(tx);
          await tx.query(`DELETE FROM report_reported_heads h
                           USING (SELECT report_id, revision, reported_at,
                                         min(reported_at) OVER (PARTITION BY report_id
                                           ORDER BY revision DESC ROWS BETWEEN UNBOUNDED PRECEDING
                                           AND 1 PRECEDING) AS later
                                    FROM report_reported_heads) r
                          WHERE h.report_id = r.report_id AND h.revision = r.revision
                            AND r.later <= r.reported_at`);
        };
      },
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

interface Head {
  readonly stream_id: string;
  readonly report_id: string;
  readonly revision: number;
  readonly reported_at: string;
}

/**
 * Each event's row, in the order of COLUMNS, folding `states` forward; the rows of the fields
 * it changed, in the order of FIELD_COLUMNS; and each event as a head.
 */
function rowsOf(
  events: readonly PendingEvent[],
  states: Map<string, ReportState>,
  fold: typeof foldByReport,
) {
  const revisions: unknown[][] = [];
  const fields: { streamId: string; row: unknown[] }[] = [];
  const heads: Head[] = [];
  fold(events, states, (recorded, _before, after, { event, stamp }, changes) => {
    const reportedAt = event.data.reportedAt ?? stamp.recordedAt;
    const changed = changes();
    revisions.push([
      stamp.reportId,
      stamp.revision,
      revisionKind(event),
      event.data.reason,
      recorded.metadata.actor ?? null,
      stamp.recordedAt,
      reportedAt,
      event.data.source,
      changed,
      revisionClaims(event, stamp),
      loggedState(after),
    ]);
    for (const { path, to } of changed.filter(isReportedField)) {
      fields.push({
        streamId: recorded.streamId,
        row: [stamp.reportId, path, stamp.revision, reportedAt, to ?? null],
      });
    }
    heads.push({
      stream_id: recorded.streamId,
      report_id: stamp.reportId,
      revision: stamp.revision,
      reported_at: reportedAt,
    });
  });
  return { revisions, fields, heads };
}

/** A change the reported axis reads: to a field, or a source cited for the first time. */
function isReportedField({ path }: Change): boolean {
  return (DETAIL_FIELDS as readonly string[]).includes(path) || path.startsWith('sources.');
}

/**
 * Of a batch's events as heads (in stream order), for each report: its earliest reported time,
 * before which the heads stay (`passed`, with one of its events, which the append must have
 * recorded), and the events no later one was reported at or before (`kept`).
 */
function headsOf(heads: readonly Head[]): { passed: Head[]; kept: Head[] } {
  const byReport = new Map<string, Head[]>();
  for (const head of heads) {
    const list = byReport.get(head.report_id) ?? [];
    list.push(head);
    byReport.set(head.report_id, list);
  }
  const passed: Head[] = [];
  const kept: Head[] = [];
  for (const list of byReport.values()) {
    const earliest = list.reduce((a, b) =>
      Date.parse(b.reported_at) < Date.parse(a.reported_at) ? b : a,
    );
    passed.push({ ...list[0], reported_at: earliest.reported_at });
    let later = Infinity;
    const stair: Head[] = [];
    for (let i = list.length - 1; i >= 0; i--) {
      const at = Date.parse(list[i].reported_at);
      if (at < later) stair.push(list[i]);
      later = Math.min(later, at);
    }
    kept.push(...stair.reverse());
  }
  return { passed, kept };
}
