import { AMOUNT_SCHEMA } from '../shared/value.schemas';
import { RevisionFactsResponse } from '../shared/revision.response';
import { Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { ApiController, DEFAULT_LIMIT, PageQuery, ReadRoute, UuidParam } from '@tally/http';
import { historyCursor } from '../shared/cursors';
import { GetReportParams, reportAt } from '../get-report/get-report.controller';
import { IsIn, IsOptional } from 'class-validator';
import { ApiFigureKey, figureKeyParam } from '../shared/figure-key.param';
import { FigureHistoryQuery } from './figure-history.query';
import type { HistoryOrder } from './figure-history.query';

const HISTORY_ORDERS = ['revision', 'reported'] as const;

export class FigureChangeResponse extends RevisionFactsResponse {
  @ApiProperty({ ...AMOUNT_SCHEMA, example: 18, description: 'The report’s figure before.' })
  from!: unknown;

  @ApiProperty({ ...AMOUNT_SCHEMA, example: 23, description: 'The report’s figure after.' })
  to!: unknown;

  @ApiProperty({ ...AMOUNT_SCHEMA, example: 23, description: 'What it claimed; null: removed.' })
  amount!: unknown;

  @ApiProperty({ nullable: true, type: String, example: 'SOHR', description: 'null: removed.' })
  publisher!: string | null;

  @ApiProperty({ description: 'Its claim became the report’s figure.' }) adopted!: boolean;

  @ApiProperty({ description: 'An update or correction reported before the adopted claim.' })
  late!: boolean;
}

export class FigureHistoryParams extends IntersectionType(GetReportParams, PageQuery) {
  @ApiPropertyOptional({
    enum: HISTORY_ORDERS,
    default: 'revision',
    description: '`reported`: by when the sources said it, then by revision.',
  })
  @IsOptional()
  @IsIn(HISTORY_ORDERS)
  order?: HistoryOrder;
}

export class FigureHistoryResponse {
  @ApiProperty({ example: 'killed' }) key!: string;
  @ApiProperty({ type: [FigureChangeResponse] }) items!: FigureChangeResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

@ApiController('revisions', 'reports/:id/figures/:key/history')
export class FigureHistoryController {
  constructor(private readonly queries: QueryBus) {}

  @ReadRoute(undefined, {
    summary: 'Each claim and change of one figure',
    ok: {
      type: FigureHistoryResponse,
      description: 'Every claim of the key and every change of its figure, oldest revision first.',
    },
    errors: [400, 401, 403, 404],
  })
  @ApiFigureKey()
  history(
    @UuidParam('id') id: string,
    @Param('key') key: string,
    @Query() params: FigureHistoryParams,
  ) {
    figureKeyParam(key);
    const at = reportAt(params);
    const order = params.order ?? 'revision';
    const after = historyCursor(params.cursor, order);
    return this.queries.execute(
      new FigureHistoryQuery(id, key, at, order, params.limit ?? DEFAULT_LIMIT, after),
    );
  }
}
