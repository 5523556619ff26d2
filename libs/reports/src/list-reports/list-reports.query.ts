import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { Page } from '@tally/http';
import { ReportListCursor, nextReportListCursor } from '../shared/cursors';
import { Pool } from 'pg';
import { CheckFlag, ReportState, ReportStatus, ReportView, reportView } from '../domain';
import { REPORTS_POOL } from '../report-state-cache';

/** Reports, newest change first. */
export class ListReportsQuery extends Query<Page<ReportView>> {
  constructor(
    readonly filters: {
      status?: ReportStatus;
      location?: string;
      q?: string;
      check?: CheckFlag;
    },
    readonly limit: number,
    readonly after: ReportListCursor | null,
  ) {
    super();
  }
}

@QueryHandler(ListReportsQuery)
export class ListReportsHandler implements IQueryHandler<ListReportsQuery> {
  constructor(@Inject(REPORTS_POOL) private readonly pool: Pool) {}

  async execute({ filters, limit, after }: ListReportsQuery): Promise<Page<ReportView>> {
    const { rows } = await this.pool.query<{ state: ReportState }>(
      `SELECT state FROM report_current
        WHERE ($1::text IS NULL OR status = $1)
          AND ($2::text IS NULL OR lower(location) = lower($2))
          AND ($3::text IS NULL OR search @@ plainto_tsquery('simple', $3))
          AND ($4::timestamptz IS NULL OR (updated_at, report_id) < ($4, $5::uuid))
          AND ($7::text IS NULL OR flags @> ARRAY[$7::text])
        ORDER BY updated_at DESC, report_id DESC
        LIMIT $6`,
      [
        filters.status ?? null,
        filters.location ?? null,
        filters.q ?? null,
        after?.updatedAt ?? null,
        after?.id ?? null,
        limit + 1,
        filters.check ?? null,
      ],
    );
    const items = rows.slice(0, limit).map((row) => reportView(row.state));
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > limit && last ? nextReportListCursor(last) : null,
    };
  }
}
