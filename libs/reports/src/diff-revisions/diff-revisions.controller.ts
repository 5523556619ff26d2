import { Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import {
  ApiController,
  IsRevisionNumber,
  ReadRoute,
  UuidParam,
  ValidationFailed,
} from '@tally/http';
import { ChangeResponse } from '../shared/revision.response';
import { DiffRevisionsQuery } from './diff-revisions.query';

export class DiffParams {
  @ApiProperty({ minimum: 1, example: 1 })
  @IsRevisionNumber()
  from!: number;

  @ApiProperty({ minimum: 2, example: 2 })
  @IsRevisionNumber()
  to!: number;
}

export class DiffResponse {
  @ApiProperty({ example: 1 }) from!: number;
  @ApiProperty({ example: 2 }) to!: number;
  @ApiProperty({ type: [ChangeResponse] }) changes!: ChangeResponse[];
}

@ApiController('revisions', 'reports/:id/diff')
export class DiffRevisionsController {
  constructor(private readonly queries: QueryBus) {}

  @ReadRoute(undefined, {
    summary: 'The net difference between two revisions',
    ok: {
      type: DiffResponse,
      description: 'Fields changed and changed back do not appear.',
    },
    errors: [400, 401, 403, 404],
  })
  diff(@UuidParam('id') id: string, @Query() params: DiffParams) {
    if (params.from >= params.to) throw ValidationFailed.at('to', 'must be greater than from');
    return this.queries.execute(new DiffRevisionsQuery(id, params.from, params.to));
  }
}
