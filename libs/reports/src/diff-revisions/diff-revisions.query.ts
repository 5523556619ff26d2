import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { Change, diffReports } from '../domain';
import { RevisionReader } from '../revision-reader';

/** The net difference between the states after two revisions. */
export class DiffRevisionsQuery extends Query<{ from: number; to: number; changes: Change[] }> {
  constructor(
    readonly reportId: string,
    readonly from: number,
    readonly to: number,
  ) {
    super();
  }
}

@QueryHandler(DiffRevisionsQuery)
export class DiffRevisionsHandler implements IQueryHandler<DiffRevisionsQuery> {
  constructor(private readonly revisions: RevisionReader) {}

  async execute({ reportId, from, to }: DiffRevisionsQuery) {
    const after = await this.revisions.revision(reportId, to);
    const before = await this.revisions.revision(reportId, from);
    return { from, to, changes: diffReports(before.state, after.state) };
  }
}
