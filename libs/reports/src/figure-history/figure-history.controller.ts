import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { DEFAULT_LIMIT, PageQuery, ValidationFailed } from '@tally/http';
import { revisionCursor } from '../shared/revision-cursor';
import { ApiErrors } from '../shared/api-errors';
import { SourceResponse } from '../shared/report.response';
import { FigureHistoryQuery } from './figure-history.query';

const AMOUNT = {
  nullable: true,
  oneOf: [
    { type: 'integer', minimum: 0 },
    {
      type: 'object',
      properties: { min: { type: 'integer' }, max: { type: 'integer' } },
      required: ['min', 'max'],
    },
  ],
};

export class FigureChangeResponse {
  @ApiProperty({ example: 2 })
  revision!: number;

  @ApiProperty({ ...AMOUNT, example: 18 })
  from!: unknown;

  @ApiProperty({ ...AMOUNT, example: 23 })
  to!: unknown;

  @ApiProperty({ enum: ['filed', 'update', 'correction', 'retraction', 'restoration'] })
  kind!: string;

  @ApiProperty({ nullable: true, type: String })
  reason!: string | null;

  @ApiProperty({ nullable: true, type: String })
  actor!: string | null;

  @ApiProperty({ format: 'date-time' })
  recordedAt!: string;

  @ApiProperty({ format: 'date-time' })
  reportedAt!: string;

  @ApiProperty({ type: SourceResponse, nullable: true })
  source!: SourceResponse | null;
}

export class FigureHistoryResponse {
  @ApiProperty({ example: 'killed' })
  key!: string;

  @ApiProperty({ type: [FigureChangeResponse] })
  items!: FigureChangeResponse[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

@ApiTags('revisions')
@ApiBearerAuth()
@Controller('reports/:id/figures/:key/history')
export class FigureHistoryController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiParam({ name: 'key', description: 'URL-encoded figure key, e.g. killed%7Blocation%3DX%7D' })
  @ApiOkResponse({ type: FigureHistoryResponse, description: 'Oldest first.' })
  @ApiErrors(400, 401, 403, 404)
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
