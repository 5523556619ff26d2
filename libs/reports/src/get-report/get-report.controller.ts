import { Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ApiController,
  IsRevisionNumber,
  OptionalTime,
  ReadRoute,
  UuidParam,
  ValidationFailed,
} from '@tally/http';
import { IsOptional } from 'class-validator';
import type { Response } from 'express';
import { reportView } from '../domain';
import { ReportResponse } from '../shared/report.response';
import { GetReportQuery } from './get-report.query';
import type { ReportAt } from '../revision-reader';

export class GetReportParams {
  @ApiPropertyOptional({ minimum: 1, description: 'The report as it stood after this revision.' })
  @IsOptional()
  @IsRevisionNumber()
  revision?: number;

  @OptionalTime({
    example: '2026-11-20T21:05:00Z',
    description: 'The report as the system had recorded it at this time.',
  })
  asOf?: string;

  @OptionalTime({
    example: '2026-11-20T12:00:00Z',
    description:
      'The report as its sources had it at this time (reported time), as recorded now or at asOf.',
  })
  reportedAsOf?: string;
}

/** Which state of a report the parameters ask for: after a revision, at a time, or now. */
export function reportAt(params: GetReportParams): ReportAt {
  if (params.revision !== undefined && params.asOf !== undefined) {
    throw ValidationFailed.at('asOf', 'give revision or asOf, not both');
  }
  if (params.revision !== undefined && params.reportedAsOf !== undefined) {
    throw ValidationFailed.at('reportedAsOf', 'give revision or reportedAsOf, not both');
  }
  const time = (text: string | undefined) => (text === undefined ? undefined : new Date(text));
  return {
    revision: params.revision,
    asOf: time(params.asOf),
    reportedAsOf: time(params.reportedAsOf),
  };
}

@ApiController('reports', 'reports')
export class GetReportController {
  constructor(private readonly queries: QueryBus) {}

  @ReadRoute(':id', {
    summary: 'A report now, after a revision, or at a time',
    ok: { type: ReportResponse, description: '`ETag` is the revision shown.' },
    errors: [400, 401, 403, 404],
  })
  async get(
    @UuidParam('id') id: string,
    @Query() params: GetReportParams,
    @Res({ passthrough: true }) response: Response,
  ) {
    const at = reportAt(params);
    const state = await this.queries.execute(new GetReportQuery(id, at));
    response.setHeader('ETag', `"${state.revision}"`);
    const view = reportView(state);
    return at.reportedAsOf ? { ...view, reportedAsOf: at.reportedAsOf.toISOString() } : view;
  }
}
