import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { REPORTS_POOL } from '../report-state-cache';

export interface Totals {
  readonly min: number;
  readonly max: number;
}

export interface FigureStats {
  readonly measure: string;
  readonly asOf: string;
  readonly reportedAsOf?: string;
  readonly reports: number;
  readonly total: Totals;
  readonly byLocation: readonly { location: string | null; reports: number; total: Totals }[];
}

/**
 * Totals of a measure's headline figures across reports, as recorded at a time, or as the
 * reports' sources had them at `reportedAsOf` (as recorded at `asOf`).
 */
export class FigureStatsQuery extends Query<FigureStats> {
  constructor(
    readonly measure: string,
    readonly asOf: Date,
    readonly location?: string,
    readonly reportedAsOf?: Date,
  ) {
    super();
  }
}

const BY_RECORDED = `
  SELECT location, count(*)::int AS reports, sum(min)::text AS min, sum(max)::text AS max
    FROM stats_figure_periods
   WHERE measure = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2)
     AND ($3::text IS NULL OR lower(location) = lower($3))
   GROUP BY location
   ORDER BY location NULLS LAST`;

const BY_REPORTED = `
  SELECT location, count(*)::int AS reports, sum(min)::text AS min, sum(max)::text AS max
    FROM stats_reported_periods
   WHERE measure = $1 AND recorded_from <= $2 AND (recorded_to IS NULL OR recorded_to > $2)
     AND reported_from <= $4 AND (reported_to IS NULL OR reported_to > $4)
     AND ($3::text IS NULL OR lower(location) = lower($3))
   GROUP BY location
   ORDER BY location NULLS LAST`;

@QueryHandler(FigureStatsQuery)
export class FigureStatsHandler implements IQueryHandler<FigureStatsQuery> {
  constructor(@Inject(REPORTS_POOL) private readonly pool: Pool) {}

  async execute({ measure, asOf, location, reportedAsOf }: FigureStatsQuery): Promise<FigureStats> {
    const { rows } = await this.pool.query<{
      location: string | null;
      reports: number;
      min: string;
      max: string;
    }>(reportedAsOf ? BY_REPORTED : BY_RECORDED, [
      measure,
      asOf,
      location ?? null,
      ...(reportedAsOf ? [reportedAsOf] : []),
    ]);
    const byLocation = rows.map((row) => ({
      location: row.location,
      reports: row.reports,
      total: { min: Number(row.min), max: Number(row.max) },
    }));
    return {
      measure,
      asOf: asOf.toISOString(),
      ...(reportedAsOf && { reportedAsOf: reportedAsOf.toISOString() }),
      reports: byLocation.reduce((n, group) => n + group.reports, 0),
      total: {
        min: byLocation.reduce((n, group) => n + group.total.min, 0),
        max: byLocation.reduce((n, group) => n + group.total.max, 0),
      },
      byLocation,
    };
  }
}
