import { Projection, RecordedEvent } from '@tally/event-store';
import { PoolClient } from 'pg';
import {
  Change,
  REPORT_EVENT_TYPES,
  ReportEvent,
  ReportState,
  ReportStatus,
  RevisionStamp,
  parseFigureKey,
  revisionClaims,
} from '../domain';
import { reportIdsOf } from '../report-stream';
import { foldByReport } from './report-states';
import { RecordedPeriod, recordedPeriods } from './recorded-periods';
import {
  ReportedItem,
  ReportedSweep,
  boundsOf,
  continuesSweep,
  sweepStart,
} from './reported-totals';

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

/** A report's place on the reported axis: as filed, and its sweep so far. */
interface Reported {
  readonly filed: { location: string | null; status: ReportStatus };
  readonly sweep: ReportedSweep;
}

/**
 * `stats_figure_periods`: for each report, each headline figure (a key without dimensions) with
 * the period it held as recorded. `stats_reported_periods`: the same over reported time, as
 * recorded now (see `sweepReported`), from `stats_reported_items`. A retracted report holds
 * none. Async: totals across reports need no lock on the writers' path.
 */
export class FigureTotalsProjection implements Projection {
  readonly name = 'figure_totals';
  readonly tables = [
    'stats_reports',
    'stats_figure_periods',
    'stats_reported_items',
    'stats_reported_periods',
  ];
  readonly handles = REPORT_EVENT_TYPES;

  /**
   * Set-based: one read of the batch's reports, one statement for every write. Each event closes
   * the periods its report held and opens the ones it holds now; a period opened and closed
   * within the batch is written closed, and the periods open before the batch are closed at the
   * time of its report's first event in it.
   */
  async apply(tx: PoolClient, events: readonly RecordedEvent[]): Promise<void> {
    const reportIds = reportIdsOf(events);
    const { rows } = await tx.query<{
      report_id: string;
      state: ReportState;
      reported: Reported | null;
    }>('SELECT report_id, state, reported FROM stats_reports WHERE report_id = ANY($1::uuid[])', [
      reportIds,
    ]);
    const states = new Map(rows.map((row) => [row.report_id, row.state]));
    const reported = new Map(rows.map((row) => [row.report_id, row.reported]));
    const closeStored = new Map<string, string>();
    const open = new Map<string, Period[]>();
    const periods: Period[] = [];
    const items = new Map<string, { item: ReportedItem; recordedAt: string }[]>();
    foldByReport(events, states, (_recorded, before, after, { event, stamp }, changes) => {
      const { reportId, recordedAt } = stamp;
      if (!closeStored.has(reportId)) closeStored.set(reportId, recordedAt);
      for (const period of open.get(reportId) ?? []) period.valid_to = recordedAt;
      const opened = after.status === 'retracted' ? [] : headlinePeriods(after, stamp);
      open.set(reportId, opened);
      periods.push(...opened);
      if (!before) {
        const filed = { location: after.location, status: after.status };
        reported.set(reportId, { filed, sweep: sweepStart(filed) });
      }
      const list = items.get(reportId) ?? [];
      list.push({ item: reportedItem(event, stamp, changes()), recordedAt });
      items.set(reportId, list);
    });
    const swept = await this.sweep(tx, reported, items);
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
       ), items AS (
         INSERT INTO stats_reported_items (report_id, revision, item)
         SELECT * FROM jsonb_to_recordset($4::jsonb) AS i(report_id uuid, revision integer,
                item jsonb)
       ), reported_dropped AS (
         DELETE FROM stats_reported_periods p
          USING jsonb_to_recordset($5::jsonb) AS c(report_id uuid, measure text,
                reported_from timestamptz, recorded_to timestamptz)
          WHERE p.report_id = c.report_id AND p.measure = c.measure
            AND p.reported_from = c.reported_from AND p.recorded_to IS NULL
            AND p.recorded_from >= c.recorded_to
       ), reported_closed AS (
         UPDATE stats_reported_periods p SET recorded_to = c.recorded_to
           FROM jsonb_to_recordset($5::jsonb) AS c(report_id uuid, measure text,
                reported_from timestamptz, recorded_to timestamptz)
          WHERE p.report_id = c.report_id AND p.measure = c.measure
            AND p.reported_from = c.reported_from AND p.recorded_to IS NULL
            AND p.recorded_from < c.recorded_to
       ), reported_opened AS (
         INSERT INTO stats_reported_periods (report_id, measure, location, min, max,
                reported_from, reported_to, recorded_from, recorded_to)
         SELECT * FROM jsonb_to_recordset($6::jsonb) AS p(report_id uuid, measure text,
                location text, min bigint, max bigint, reported_from timestamptz,
                reported_to timestamptz, recorded_from timestamptz, recorded_to timestamptz)
       )
       INSERT INTO stats_reports (report_id, state, reported)
       SELECT s.report_id, s.state, s.reported FROM jsonb_to_recordset($3::jsonb) AS s(
              report_id uuid, state jsonb, reported jsonb)
       ON CONFLICT (report_id) DO UPDATE
         SET state = EXCLUDED.state, reported = EXCLUDED.reported`,
      values: [
        JSON.stringify([...closeStored].map(([report_id, valid_to]) => ({ report_id, valid_to }))),
        JSON.stringify(periods),
        JSON.stringify(
          reportIds.map((report_id) => ({
            report_id,
            state: states.get(report_id),
            reported: reported.get(report_id),
          })),
        ),
        JSON.stringify(
          [...items].flatMap(([report_id, list]) =>
            list.map(({ item }) => ({ report_id, revision: item.revision, item })),
          ),
        ),
        JSON.stringify(swept.closed),
        JSON.stringify(swept.opened),
      ],
    });
  }

  /**
   * Each report's periods on both axes through the batch (see `recordedPeriods`); the items and
   * current periods of the reports that one of its events sends back in reported time are read
   * once for all of them.
   */
  private async sweep(
    tx: PoolClient,
    reported: Map<string, Reported | null>,
    events: Map<string, { item: ReportedItem; recordedAt: string }[]>,
  ): Promise<{ closed: object[]; opened: object[] }> {
    const stateOf = (reportId: string) => {
      const state = reported.get(reportId);
      if (!state) {
        throw new Error(
          `report ${reportId} has no sweep on the reported axis: rebuild ${this.name}`,
        );
      }
      return state;
    };
    const again = [...events].filter(
      ([reportId, list]) =>
        !continuesSweep(
          stateOf(reportId).sweep,
          list.map(({ item }) => item),
        ),
    );
    const stored = new Map(
      again.map(([reportId]) => [
        reportId,
        { items: [] as ReportedItem[], current: [] as RecordedPeriod[] },
      ]),
    );
    if (again.length > 0) {
      const ids = [...stored.keys()];
      const { rows: items } = await tx.query<{ report_id: string; item: ReportedItem }>(
        'SELECT report_id, item FROM stats_reported_items WHERE report_id = ANY($1::uuid[])',
        [ids],
      );
      for (const row of items) stored.get(row.report_id)!.items.push(row.item);
      const { rows: current } = await tx.query<{ report_id: string; period: RecordedPeriod }>(
        `SELECT report_id, jsonb_build_object('measure', measure, 'location', location,
                'min', min, 'max', max, 'from', reported_from, 'to', reported_to,
                'recordedFrom', recorded_from, 'recordedTo', recorded_to) AS period
           FROM stats_reported_periods
          WHERE report_id = ANY($1::uuid[]) AND recorded_to IS NULL`,
        [ids],
      );
      for (const row of current) stored.get(row.report_id)!.current.push(row.period);
    }
    const closed: object[] = [];
    const opened: object[] = [];
    for (const [reportId, list] of events) {
      const { filed, sweep } = stateOf(reportId);
      const changes = recordedPeriods(filed, sweep, list, stored.get(reportId));
      reported.set(reportId, { filed, sweep: changes.sweep });
      const row = (p: RecordedPeriod) => ({
        report_id: reportId,
        measure: p.measure,
        location: p.location,
        min: p.min,
        max: p.max,
        reported_from: p.from,
        reported_to: p.to,
        recorded_from: p.recordedFrom,
        recorded_to: p.recordedTo,
      });
      closed.push(...changes.closed.map(row));
      opened.push(...changes.opened.map(row));
    }
    return { closed, opened };
  }
}

/** What an event says on the reported axis that totals read. */
function reportedItem(
  event: ReportEvent,
  stamp: RevisionStamp,
  changes: readonly Change[],
): ReportedItem {
  const changed = (path: string) => changes.find((change) => change.path === path);
  const location = changed('location');
  const status = changed('status');
  const figures: Record<string, ReturnType<typeof boundsOf>> = {};
  for (const claim of revisionClaims(event, stamp)) {
    if ((claim.adopted || claim.late) && parseFigureKey(claim.key).measure === claim.key) {
      figures[claim.key] = boundsOf(claim.amount);
    }
  }
  const removed = event.type === 'ReportRevised' ? event.data.removedFigures : [];
  return {
    revision: stamp.revision,
    reportedAt: event.data.reportedAt ?? stamp.recordedAt,
    ...(location && { location: location.to as string | null }),
    ...(status && { status: status.to as ReportStatus }),
    figures,
    removed: removed.filter((key) => parseFigureKey(key).measure === key),
  };
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
