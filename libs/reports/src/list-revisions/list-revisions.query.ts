import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { Page } from '@tally/http';
import { nextRevisionCursor } from '../shared/cursors';
import { RevisionReader, StoredRevision } from '../revision-reader';

export type RevisionItem = Omit<StoredRevision, 'state'>;

/** A report's revisions, oldest first. */
export class ListRevisionsQuery extends Query<Page<RevisionItem>> {
  constructor(
    readonly reportId: string,
    readonly limit: number,
    readonly afterRevision: number,
  ) {
    super();
  }
}

@QueryHandler(ListRevisionsQuery)
export class ListRevisionsHandler implements IQueryHandler<ListRevisionsQuery> {
  constructor(private readonly revisions: RevisionReader) {}

  async execute({ reportId, limit, afterRevision }: ListRevisionsQuery) {
    const rows = await this.revisions.list(reportId, afterRevision, limit + 1);
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > limit && last ? nextRevisionCursor(last.revision) : null,
    };
  }
}

/** One revision, with the report as it stood after it. */
export class GetRevisionQuery extends Query<StoredRevision> {
  constructor(
    readonly reportId: string,
    readonly revision: number,
  ) {
    super();
  }
}

@QueryHandler(GetRevisionQuery)
export class GetRevisionHandler implements IQueryHandler<GetRevisionQuery> {
  constructor(private readonly revisions: RevisionReader) {}

  execute({ reportId, revision }: GetRevisionQuery): Promise<StoredRevision> {
    return this.revisions.revision(reportId, revision);
  }
}
