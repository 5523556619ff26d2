import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { HistoryCursor, nextHistoryCursor } from '../shared/cursors';
import { Pool } from 'pg';
import { Amount, FigureNotFound } from '../domain';
import { FigureChangeClaim } from '../projections/figure-history.projection';
import { REPORTS_POOL } from '../report-state-cache';
import {
  FACT_COLUMNS,
  FactRow,
  ReportAt,
  RevisionFacts,
  RevisionReader,
  factsOf,
} from '../revision-reader';

export interface FigureChangeItem extends RevisionFacts {
  /** The report's figure before and after the revision (equal when its claim was not adopted). */
  readonly from: Amount | null;
  readonly to: Amount | null;
  /** What the revision claimed; null when it removed the figure. */
  readonly amount: Amount | null;
  readonly publisher: string | null;
  readonly adopted: boolean;
  readonly late: boolean;
}

export interface FigureHistory {
  readonly key: string;
  readonly items: readonly FigureChangeItem[];
  readonly nextCursor: string | null;
}

export type HistoryOrder = 'revision' | 'reported';

/**
 * Each revision that claimed one figure of a report or changed its adopted value, up to a
 * revision or a time, oldest revision first or by reported time.
 */
export class FigureHistoryQuery extends Query<FigureHistory> {
  constructor(
    readonly reportId: string,
    readonly key: string,
    readonly at: ReportAt,
    readonly order: HistoryOrder,
    readonly limit: number,
    readonly after: HistoryCursor | null,
  ) {
    super();
  }
}

type HistoryRow = FactRow & FigureChangeClaim;

@QueryHandler(FigureHistoryQuery)
export class FigureHistoryHandler implements IQueryHandler<FigureHistoryQuery> {
  constructor(
    @Inject(REPORTS_POOL) private readonly pool: Pool,
    private readonly revisions: RevisionReader,
  ) {}

  async execute({ reportId, key, at, order, limit, after }: FigureHistoryQuery) {
    const upTo = await this.revisions.revisionAt(reportId, at);
    const byReported = order === 'reported';
    const { rows } = await this.pool.query<HistoryRow>(
      `SELECT f.from_amount, f.to_amount, f.amount, f.publisher, f.adopted, f.late,
              ${FACT_COLUMNS}
         FROM report_figure_changes f
         JOIN report_revisions r ON r.report_id = f.report_id AND r.revision = f.revision
        WHERE f.report_id = $1 AND f.figure_key = $2 AND f.revision <= $3
          AND r.reported_at <= coalesce($7, 'infinity'::timestamptz)
          AND ${byReported ? '(r.reported_at, r.revision) > ($4::timestamptz, $5::integer)' : 'f.revision > $5 AND $4::timestamptz IS NULL'}
        ORDER BY ${byReported ? 'r.reported_at, r.revision' : 'f.revision'} LIMIT $6`,
      [
        reportId,
        key,
        upTo,
        byReported ? (after?.reportedAt ?? '-infinity') : null,
        after?.revision ?? 0,
        limit + 1,
        at.reportedAsOf ?? null,
      ],
    );
    if (rows.length === 0 && after === null) throw new FigureNotFound(reportId, key);
    // Fields added to the facts' object, not spread into a new one: a history of thousands of
    // rows pays a spread per row (a third of the report page's time).
    const items = rows.slice(0, limit).map((row) =>
      Object.assign(factsOf(row), {
        from: row.from_amount,
        to: row.to_amount,
        amount: row.amount,
        publisher: row.publisher,
        adopted: row.adopted,
        late: row.late,
      }),
    );
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return {
      key,
      items,
      nextCursor: last
        ? nextHistoryCursor(order, {
            revision: last.revision,
            reportedAt: last.reported_at,
          })
        : null,
    };
  }
}
