import { Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ApiController, IsZonedTime, MAX_INT32, ReadRoute, ValidationFailed } from '@tally/http';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { reportView } from '../domain';
import { ReportResponse } from '../shared/report.response';
import { GetReportQuery } from './get-report.query';

export class GetReportParams {
  @ApiPropertyOptional({ minimum: 1, description: 'The report as it stood after this revision.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_INT32)
  revision?: number;

  @ApiPropertyOptional({
    example: '2026-11-20T21:05:00Z',
    description: 'The report as the system had recorded it at this time.',
  })
  @IsOptional()
  @IsZonedTime()
  asOf?: string;
}

/** Which state of a report the parameters ask for: after a revision, at a time, or now. */
export function reportAt(params: GetReportParams): { revision?: number; asOf?: Date } {
  if (params.revision !== undefined && params.asOf !== undefined) {
    throw ValidationFailed.at('asOf', 'give revision or asOf, not both');
  }
  return {
    revision: params.revision,
    asOf: params.asOf === undefined ? undefined : new Date(params.asOf),
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
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() params: GetReportParams,
    @Res({ passthrough: true }) response: Response,
  ) {
    const state = await this.queries.execute(new GetReportQuery(id, reportAt(params)));
    response.setHeader('ETag', `"${state.revision}"`);
    return reportView(state);
  }
}
