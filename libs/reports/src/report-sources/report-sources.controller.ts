import { Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiProperty, IntersectionType } from '@nestjs/swagger';
import { ApiController, DEFAULT_LIMIT, PageQuery, ReadRoute, UuidParam } from '@tally/http';
import { FigureNotFound, figureSourcesView, sourcesView } from '../domain';
import { GetReportParams, reportAt } from '../get-report/get-report.controller';
import { GetSourcesQuery } from './report-sources.query';
import { nextPublisherCursor, publisherCursor } from '../shared/cursors';
import { ApiFigureKey, figureKeyParam } from '../shared/figure-key.param';
import { ClaimAmountResponse } from '../shared/revision.response';
import { CLAIMED_AMOUNT_SCHEMA, RANGE_SCHEMA } from '../shared/value.schemas';

export class PublisherClaimResponse extends ClaimAmountResponse {
  @ApiProperty({ example: 'killed' }) key!: string;
  @ApiProperty({ example: 2, description: 'The revision that recorded it.' }) revision!: number;
}

export class PublisherSourcesResponse {
  @ApiProperty({ example: 'SOHR' }) publisher!: string;
  @ApiProperty({ type: [String], example: ['https://www.syriahr.com/en/1'] }) urls!: string[];
  @ApiProperty({ format: 'date-time' }) firstReportedAt!: string;
  @ApiProperty({ format: 'date-time' }) lastReportedAt!: string;

  @ApiProperty({ type: [PublisherClaimResponse], description: 'Its latest claim per key.' })
  figures!: PublisherClaimResponse[];
}

export class SourcesPageResponse {
  @ApiProperty({ type: [PublisherSourcesResponse] }) items!: PublisherSourcesResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class FigureClaimResponse extends ClaimAmountResponse {
  @ApiProperty({ example: 'SOHR' }) publisher!: string;
  @ApiProperty({ example: 2, description: 'The revision that recorded it.' }) revision!: number;

  @ApiProperty({ nullable: true, type: String, example: 'https://www.syriahr.com/en/1' })
  url!: string | null;

  @ApiProperty({ description: 'It is the report’s figure.' }) adopted!: boolean;
}

export class FigureSourcesResponse {
  @ApiProperty({ example: 'killed' }) key!: string;

  @ApiProperty({
    type: 'object',
    nullable: true,
    description: 'The claim that is the report’s figure; null when the figure was removed.',
    properties: {
      amount: CLAIMED_AMOUNT_SCHEMA,
      publisher: { type: 'string', example: 'SOHR' },
      reportedAt: { type: 'string', format: 'date-time' },
      revision: { type: 'integer', example: 2 },
    },
    required: ['amount', 'publisher', 'reportedAt', 'revision'],
  })
  adopted!: unknown;

  @ApiProperty({ ...RANGE_SCHEMA, nullable: true, description: 'What the claims span.' })
  range!: { min: number; max: number } | null;

  @ApiProperty({ type: [FigureClaimResponse], description: 'Each publisher’s latest claim.' })
  claims!: FigureClaimResponse[];
}

export class SourcesParams extends IntersectionType(GetReportParams, PageQuery) {}

@ApiController('sources', 'reports/:id')
export class ReportSourcesController {
  constructor(private readonly queries: QueryBus) {}

  @ReadRoute('sources', {
    summary: 'Each source side by side: its latest claim on every figure',
    ok: { type: SourcesPageResponse, description: 'Publishers in the order first cited.' },
    errors: [400, 401, 403, 404],
  })
  async sources(@UuidParam('id') id: string, @Query() params: SourcesParams) {
    const at = reportAt(params);
    const after = publisherCursor(params.cursor);
    const limit = params.limit ?? DEFAULT_LIMIT;
    const { book } = await this.queries.execute(new GetSourcesQuery(id, at));
    const publishers = sourcesView(book);
    const end = after + limit;
    return {
      items: publishers.slice(after, end),
      nextCursor: end < publishers.length ? nextPublisherCursor(end) : null,
    };
  }

  @ReadRoute('figures/:key/sources', {
    summary: "One figure's claims side by side, the adopted one and their range",
    ok: { type: FigureSourcesResponse },
    errors: [400, 401, 403, 404],
  })
  @ApiFigureKey()
  async figureSources(
    @UuidParam('id') id: string,
    @Param('key') key: string,
    @Query() params: GetReportParams,
  ) {
    figureKeyParam(key);
    const at = reportAt(params);
    const { figures, book } = await this.queries.execute(new GetSourcesQuery(id, at));
    const view = figureSourcesView(book, figures, key);
    if (!view) throw new FigureNotFound(id, key);
    return view;
  }
}
