import { Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import {
  ApiController,
  DEFAULT_LIMIT,
  PageQuery,
  ReadRoute,
  UuidParam,
  ValidationFailed,
} from '@tally/http';
import { revisionCursor } from '../shared/cursors';
import { reportView } from '../domain';
import { ReportResponse } from '../shared/report.response';
import {
  ChangeResponse,
  RevisionClaimResponse,
  RevisionFactsResponse,
} from '../shared/revision.response';
import { GetRevisionQuery, ListRevisionsQuery } from './list-revisions.query';

export class RevisionResponse extends RevisionFactsResponse {
  @ApiProperty({ type: [ChangeResponse] }) changes!: ChangeResponse[];

  @ApiProperty({ type: [RevisionClaimResponse], description: 'The claims it recorded.' })
  claims!: RevisionClaimResponse[];

  @ApiProperty({ description: 'SHA-256 over the revision and the previous hash.' }) hash!: string;
}

export class RevisionWithReportResponse extends RevisionResponse {
  @ApiProperty({ type: ReportResponse, description: 'The report as it stood after it.' })
  report!: ReportResponse;
}

export class RevisionPageResponse {
  @ApiProperty({ type: [RevisionResponse] }) items!: RevisionResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

/** A revision number in the path: a positive integer, or 400. */
export function revisionNumber(text: string, path: string): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) {
    throw ValidationFailed.at(path, 'must be a revision number (an integer of at least 1)');
  }
  return Number(text);
}

@ApiController('revisions', 'reports/:id/revisions')
export class ListRevisionsController {
  constructor(private readonly queries: QueryBus) {}

  @ReadRoute(undefined, {
    summary: "A report's revisions, oldest first",
    ok: { type: RevisionPageResponse, description: 'Oldest first.' },
    errors: [400, 401, 403, 404],
  })
  list(@UuidParam('id') id: string, @Query() page: PageQuery) {
    const afterRevision = revisionCursor(page.cursor);
    return this.queries.execute(
      new ListRevisionsQuery(id, page.limit ?? DEFAULT_LIMIT, afterRevision),
    );
  }

  @ReadRoute(':n', {
    summary: 'One revision, with the report after it',
    ok: { type: RevisionWithReportResponse },
    errors: [400, 401, 403, 404],
  })
  async get(@UuidParam('id') id: string, @Param('n') n: string) {
    const { state, ...revision } = await this.queries.execute(
      new GetRevisionQuery(id, revisionNumber(n, 'n')),
    );
    return { ...revision, report: reportView(state) };
  }
}
