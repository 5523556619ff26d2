import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { nextRevisionCursor } from '../shared/cursors';
import { Pool } from 'pg';
import { Amount, FigureNotFound, RevisionKind, Source } from '../domain';
import { REPORTS_POOL } from '../report-state-cache';
import { RevisionReader } from '../revision-reader';

export interface FigureChangeItem {
  readonly revision: number;
  readonly from: Amount | null;
  readonly to: Amount | null;
  readonly kind: RevisionKind;
  readonly reason: string | null;
  readonly actor: string | null;
  readonly recordedAt: string;
  readonly reportedAt: string;
  readonly source: Source | null;
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
    const { rows } = await this.pool.query<{
      revision: number;
      from_amount: Amount | null;
      to_amount: Amount | null;
      kind: RevisionKind;
      reason: string | null;
      actor: string | null;
      recorded_at: Date;
      reported_at: Date;
      source: Source | null;
    }>(
      `SELECT f.revision, f.from_amount, f.to_amount, r.kind, r.reason, r.actor, r.recorded_at,
              r.reported_at, r.source
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
      revision: row.revision,
      from: row.from_amount,
      to: row.to_amount,
      kind: row.kind,
      reason: row.reason,
      actor: row.actor,
      recordedAt: row.recorded_at.toISOString(),
      reportedAt: row.reported_at.toISOString(),
      source: row.source,
    }));
    const last = items[items.length - 1];
    return {
      key,
      items,
      nextCursor: rows.length > limit && last ? nextRevisionCursor(last.revision) : null,
    };
  }
}
