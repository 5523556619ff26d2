import { Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { decodeCheckpoint } from '@tally/event-store';
import { ApiController, DEFAULT_LIMIT, PageQuery, ReadRoute, ValidationFailed } from '@tally/http';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ListEventsQuery } from './list-events.query';

export class ListEventsParams extends PickType(PageQuery, ['limit'] as const) {
  @ApiPropertyOptional({ description: 'The position of the last event seen.' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  after?: string;
}

export class EventResponse {
  @ApiProperty({ description: 'Opaque; pass it back as `after`.' }) position!: string;
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty({ example: 'ReportRevised' }) type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: unknown;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata!: unknown;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}

export class EventPageResponse {
  @ApiProperty({ type: [EventResponse] }) items!: EventResponse[];

  @ApiProperty({ nullable: true, type: String, description: 'null: nothing more yet; poll.' })
  nextCursor!: string | null;
}

@ApiController('events', 'events')
export class ListEventsController {
  constructor(private readonly queries: QueryBus) {}

  @ReadRoute(undefined, {
    summary: 'The global log of events in commit order',
    ok: {
      type: EventPageResponse,
      description:
        'In commit order. An event becomes visible once every transaction that began before it ' +
        'has ended, so a follower that passes the last position it saw never misses one.',
    },
    errors: [400, 401, 403],
  })
  list(@Query() params: ListEventsParams) {
    const after = params.after === undefined ? null : decodeCheckpoint(params.after);
    if (after === null && params.after !== undefined) {
      throw ValidationFailed.at('after', 'is not a position this log gave');
    }
    return this.queries.execute(new ListEventsQuery(after, params.limit ?? DEFAULT_LIMIT));
  }
}
