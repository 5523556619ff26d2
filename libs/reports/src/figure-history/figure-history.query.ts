import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { nextRevisionCursor } from '../shared/cursors';
import { Pool } from 'pg';
import { Amount, FigureNotFound } from '../domain';
import { REPORTS_POOL } from '../report-state-cache';
import { FACT_COLUMNS, FactRow, RevisionFacts, RevisionReader, factsOf } from '../revision-reader';

export interface FigureChangeItem extends RevisionFacts {
  readonly from: Amount | null;
  readonly to: Amount | null;
}

export interface FigureHistory {
  readonly key: string;
  readonly items: readonly FigureChangeItem[];
  readonly nextCursor: string | null;
}

/** Each revision that changed one figure of a report, oldest first. */
export class FigureHistoryQuery extends Query<FigureHistory> {
  constructor(
    readonly reportId: string,
    readonly key: string,
    readonly limit: number,
    readonly afterRevision: number,
  ) {
    super();
  }
}

@QueryHandler(FigureHistoryQuery)
export class FigureHistoryHandler implements IQueryHandler<FigureHistoryQuery> {
  constructor(
    @Inject(REPORTS_POOL) private readonly pool: Pool,
    private readonly revisions: RevisionReader,
  ) {}

  async execute({ reportId, key, limit, afterRevision }: FigureHistoryQuery) {
    const { rows } = await this.pool.query<
      FactRow & { from_amount: Amount | null; to_amount: Amount | null }
    >(
      `SELECT f.from_amount, f.to_amount, ${FACT_COLUMNS}
         FROM report_figure_changes f
         JOIN report_revisions r ON r.report_id = f.report_id AND r.revision = f.revision
        WHERE f.report_id = $1 AND f.figure_key = $2 AND f.revision > $3
        ORDER BY f.revision LIMIT $4`,
      [reportId, key, afterRevision, limit + 1],
    );
    if (rows.length === 0 && afterRevision === 0) {
      await this.revisions.current(reportId); // 404 for an unknown report
      throw new FigureNotFound(reportId, key);
    }
    const items = rows.slice(0, limit).map((row) => ({
      ...factsOf(row),
      from: row.from_amount,
      to: row.to_amount,
    }));
    const last = items[items.length - 1];
    return {
      key,
      items,
      nextCursor: rows.length > limit && last ? nextRevisionCursor(last.revision) : null,
    };
  }
}
