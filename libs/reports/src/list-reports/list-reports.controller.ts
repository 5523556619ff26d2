import { Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiExtraModels, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { ApiController, DEFAULT_LIMIT, OptionalText, PageQuery, ReadRoute } from '@tally/http';
import { IsIn, IsOptional } from 'class-validator';
import { CHECK_FLAGS, REPORT_STATUSES } from '../domain';
import type { CheckFlag, ReportStatus } from '../domain';
import { ReportResponse } from '../shared/report.response';
import { reportListCursor } from '../shared/cursors';
import { ListReportsQuery } from './list-reports.query';

export class ListReportsParams extends PageQuery {
  @ApiPropertyOptional({ enum: REPORT_STATUSES })
  @IsOptional()
  @IsIn(REPORT_STATUSES)
  status?: ReportStatus;

  @OptionalText({ maxLength: 200, example: 'Deir Ezzor' })
  location?: string;

  @OptionalText({ maxLength: 200, description: 'Words in the title or summary.' })
  q?: string;

  @ApiPropertyOptional({
    enum: CHECK_FLAGS,
    description: 'Reports with a check that `exceeds`, or one that is `stale`, now.',
  })
  @IsOptional()
  @IsIn(CHECK_FLAGS)
  check?: CheckFlag;
}

@ApiExtraModels(ReportResponse)
@ApiController('reports', 'reports')
export class ListReportsController {
  constructor(private readonly queries: QueryBus) {}

  @ReadRoute(undefined, {
    summary: 'Reports, newest change first',
    ok: {
      description: 'Reports, newest change first.',
      schema: {
        type: 'object',
        properties: {
          items: { type: 'array', items: { $ref: getSchemaPath(ReportResponse) } },
          nextCursor: { type: 'string', nullable: true },
        },
      },
    },
    errors: [400, 401, 403],
  })
  list(@Query() params: ListReportsParams) {
    return this.queries.execute(
      new ListReportsQuery(
        { status: params.status, location: params.location, q: params.q, check: params.check },
        params.limit ?? DEFAULT_LIMIT,
        reportListCursor(params.cursor),
      ),
    );
  }
}
