import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ReportState } from '../domain';
import { RevisionReader } from '../revision-reader';

/** The report now, after revision n, or as recorded at a time. */
export class GetReportQuery extends Query<ReportState> {
  constructor(
    readonly reportId: string,
    readonly at: { revision?: number; asOf?: Date } = {},
  ) {
    super();
  }
}

@QueryHandler(GetReportQuery)
export class GetReportHandler implements IQueryHandler<GetReportQuery> {
  constructor(private readonly revisions: RevisionReader) {}

  async execute({ reportId, at }: GetReportQuery): Promise<ReportState> {
    if (at.revision !== undefined)
      return (await this.revisions.revision(reportId, at.revision)).state;
    if (at.asOf !== undefined) return this.revisions.asOf(reportId, at.asOf);
    return this.revisions.current(reportId);
  }
}
