import {
  Projection,
  PendingEvent,
  ProjectionStatement,
  RecordedEvent,
  StreamLoader,
  copyRows,
  runProjectionStatement,
  StatesBefore,
} from '@tally/event-store';
import { PoolClient } from 'pg';
import {
  Amount,
  REPORT_EVENT_TYPES,
  ReportEvent,
  ReportState,
  RevisionClaim,
  RevisionStamp,
  revisionClaims,
} from '../domain';
import { asReportEvent, reportIdOf } from '../report-stream';
import { knownStatesBefore, loadedPageOf } from './report-states';

/**
 * `report_figure_changes`: one row per revision that claimed a key or removed its figure: the
 * claim (its amount, publisher, reported time, adopted or late) and the adopted amount before
 * and after it.
 */
export class FigureHistoryProjection implements Projection {
  readonly name = 'figure_history';
  readonly tables = ['report_figure_changes'];
  readonly handles = REPORT_EVENT_TYPES;

  /**
   * Set-based: one read of the last amount of every figure the batch touches (none when the
   * appender knew the reports' states, whose figures are those amounts), one write.
   */
  async apply(
    tx: PoolClient,
    events: readonly RecordedEvent[],
    known?: StatesBefore,
  ): Promise<void> {
    const batch = changesOf(events);
    const slots = slotsOf(batch);
    if (slots.length === 0) return;
    const before = knownStatesBefore(events, known);
    const amounts = before ? knownAmounts(before, slots) : await this.read(tx, slots);
    await runProjectionStatement(tx, events, (first) => this.write(batch, amounts, first));
  }

  statement(
    events: readonly PendingEvent[],
    known: StatesBefore | undefined,
    first: number,
  ): ProjectionStatement | null {
    const before = knownStatesBefore(events, known);
    if (!before) return null;
    const batch = changesOf(events);
    return this.write(batch, knownAmounts(before, slotsOf(batch)), first);
  }

  /**
   * A rebuild's loader: reports arrive one after another, so the only amounts it needs are those
   * of the last report of the page before, when the page goes on with it.
   */
  loader(pass: object): StreamLoader {
    let carried = { reportId: '', amounts: new Map<string, Amount | null>() };
    const page = loadedPageOf(pass);
    return {
      load: (events) => {
        page.of(events);
        const batch = changesOf(events, (recorded) => page.view(recorded));
        const continued = carried.reportId === reportIdOf(events[0].streamId);
        const amounts = continued ? carried.amounts : new Map<string, Amount | null>();
        const rows = changedFigures(batch, amounts);
        const last = reportIdOf(events[events.length - 1].streamId);
        const prefix = slotOf(last, '');
        carried = {
          reportId: last,
          amounts: new Map([...amounts].filter(([slot]) => slot.startsWith(prefix))),
        };
        return copyRows(
          'report_figure_changes',
          COLUMNS,
          // The amount columns hold jsonb's null for no amount, which COPY reads from `null`.
          rows.map((r) => [
            r.report_id,
            r.figure_key,
            r.revision,
            r.from_amount ?? 'null',
            r.to_amount ?? 'null',
            r.amount,
            r.publisher,
            r.adopted,
            r.late,
            r.reported_at,
          ]),
        );
      },
      finish: () => async () => undefined,
    };
  }

  /** The batch's rows as one statement, joined to the events appended. */
  private write(
    batch: Batch,
    amounts: Map<string, Amount | null>,
    first: number,
  ): ProjectionStatement {
    return {
      text: `INSERT INTO report_figure_changes (${COLUMNS.join(', ')})
             SELECT r.report_id, r.figure_key, r.revision, coalesce(r.from_amount, 'null'),
                    coalesce(r.to_amount, 'null'), r.amount, r.publisher, r.adopted, r.late,
                    r.reported_at
               FROM jsonb_to_recordset($${first}::jsonb) AS r(stream_id text, report_id uuid,
                    figure_key text, revision integer, from_amount jsonb, to_amount jsonb,
                    amount jsonb, publisher text, adopted boolean, late boolean,
                    reported_at timestamptz)
               JOIN appended a ON a.stream_id = r.stream_id AND a.stream_version = r.revision`,
      values: [JSON.stringify(changedFigures(batch, amounts))],
    };
  }

  private async read(
    tx: PoolClient,
    slots: readonly [string, string][],
  ): Promise<Map<string, Amount | null>> {
    // The last amount of each figure touched: one index probe each, however long its history.
    const { rows } = await tx.query<{
      report_id: string;
      figure_key: string;
      to_amount: Amount | null;
    }>(
      `SELECT k.report_id, k.figure_key, last.to_amount
         FROM unnest($1::uuid[], $2::text[]) AS k(report_id, figure_key)
         CROSS JOIN LATERAL (SELECT to_amount FROM report_figure_changes f
                              WHERE f.report_id = k.report_id AND f.figure_key = k.figure_key
                              ORDER BY f.revision DESC LIMIT 1) last`,
      [slots.map(([id]) => id), slots.map(([, key]) => key)],
    );
    return new Map(rows.map((row) => [slotOf(row.report_id, row.figure_key), row.to_amount]));
  }
}

/** What an event did to one key: claimed it, or removed its figure. */
interface KeyEvent {
  readonly key: string;
  readonly claim: RevisionClaim | null;
}

/** A row's figure before and after its revision, and the claim it made (null: a removal). */
export interface FigureChangeClaim {
  from_amount: Amount | null;
  to_amount: Amount | null;
  amount: Amount | null;
  publisher: string | null;
  adopted: boolean;
  late: boolean;
}

interface Batch {
  readonly changes: {
    streamId: string;
    stamp: RevisionStamp;
    /** When its source said it: every claim's time, and a removal's. */
    reportedAt: string;
    figures: KeyEvent[];
  }[];
}

function changesOf(events: readonly PendingEvent[], view = asReportEvent): Batch {
  return {
    changes: events.map((recorded) => {
      const { event, stamp } = view(recorded);
      return {
        streamId: recorded.streamId,
        stamp,
        reportedAt: event.data.reportedAt ?? stamp.recordedAt,
        figures: keyEvents(event, stamp),
      };
    }),
  };
}

/** Each (report, figure key) the batch touches, once. */
function slotsOf({ changes }: Batch): [string, string][] {
  const slots = new Map<string, [string, string]>();
  for (const { stamp, figures } of changes) {
    for (const { key } of figures) slots.set(slotOf(stamp.reportId, key), [stamp.reportId, key]);
  }
  return [...slots.values()];
}

/** The keys an event claims, and those whose figure it removes. */
function keyEvents(event: ReportEvent, stamp: RevisionStamp): KeyEvent[] {
  const claimed = revisionClaims(event, stamp).map((claim) => ({ key: claim.key, claim }));
  const removed = event.type === 'ReportRevised' ? event.data.removedFigures : [];
  return [...claimed, ...removed.map((key) => ({ key, claim: null }))];
}

/**
 * A row for each claim of an event and each figure it removed, with the adopted amount before
 * and after it (from the last amounts, kept up to date in `amounts`; null for none).
 */
function changedFigures({ changes }: Batch, amounts: Map<string, Amount | null>) {
  const rows: (FigureChangeClaim & {
    stream_id: string;
    report_id: string;
    figure_key: string;
    revision: number;
    reported_at: string;
  })[] = [];
  for (const { streamId, stamp, reportedAt, figures } of changes) {
    for (const { key, claim } of figures) {
      const slot = slotOf(stamp.reportId, key);
      const from = amounts.get(slot) ?? null;
      const to = claim === null ? null : claim.adopted ? claim.amount : from;
      amounts.set(slot, to);
      rows.push({
        stream_id: streamId,
        report_id: stamp.reportId,
        figure_key: key,
        revision: stamp.revision,
        from_amount: from,
        to_amount: to,
        amount: claim?.amount ?? null,
        publisher: claim?.publisher ?? null,
        adopted: claim?.adopted ?? false,
        late: claim?.late ?? false,
        reported_at: reportedAt,
      });
    }
  }
  return rows;
}

/** The table's columns, in the order the rows above hold them. */
const COLUMNS = [
  'report_id',
  'figure_key',
  'revision',
  'from_amount',
  'to_amount',
  'amount',
  'publisher',
  'adopted',
  'late',
  'reported_at',
] as const;

function slotOf(reportId: string, key: string): string {
  return `${reportId} ${key}`;
}

/** A figure's last recorded amount is its amount in the report's state; absent, none. */
function knownAmounts(
  states: ReadonlyMap<string, ReportState>,
  slots: readonly [string, string][],
): Map<string, Amount | null> {
  const amounts = new Map<string, Amount | null>();
  for (const [reportId, key] of slots) {
    const figure = states.get(reportId)?.figures.find((f) => f.key === key);
    if (figure) amounts.set(slotOf(reportId, key), figure.amount);
  }
  return amounts;
}
