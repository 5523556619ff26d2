import { AMOUNT_SCHEMA } from '../shared/value.schemas';
import { RevisionFactsResponse } from '../shared/revision.response';
import { Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiParam, ApiProperty } from '@nestjs/swagger';
import { ApiController, DEFAULT_LIMIT, PageQuery, ReadRoute, ValidationFailed } from '@tally/http';
import { revisionCursor } from '../shared/cursors';
import { FigureHistoryQuery } from './figure-history.query';

export class FigureChangeResponse extends RevisionFactsResponse {
  @ApiProperty({ ...AMOUNT_SCHEMA, example: 18 })
  from!: unknown;

  @ApiProperty({ ...AMOUNT_SCHEMA, example: 23 })
  to!: unknown;
}

export class FigureHistoryResponse {
  @ApiProperty({ example: 'killed' })
  key!: string;

  @ApiProperty({ type: [FigureChangeResponse] })
  items!: FigureChangeResponse[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

@ApiController('revisions', 'reports/:id/figures/:key/history')
export class FigureHistoryController {
  constructor(private readonly queries: QueryBus) {}

  @ReadRoute(undefined, {
    summary: 'Each change of one figure',
    ok: { type: FigureHistoryResponse, description: 'Oldest first.' },
    errors: [400, 401, 403, 404],
  })
  @ApiParam({ name: 'key', description: 'URL-encoded figure key, e.g. killed%7Blocation%3DX%7D' })
  history(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('key') key: string,
    @Query() page: PageQuery,
  ) {
    if (key.length > 1000 || key.includes('\u0000')) {
      throw ValidationFailed.at('key', 'is not a figure key');
    }
    const afterRevision = revisionCursor(page.cursor);
    return this.queries.execute(
      new FigureHistoryQuery(id, key, page.limit ?? DEFAULT_LIMIT, afterRevision),
    );
  }
}
