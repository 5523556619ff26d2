import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ReportState } from '../domain';
import { ReportAt, RevisionReader } from '../revision-reader';

/** The report now, after revision n, as recorded at a time, or as its sources had it. */
export class GetReportQuery extends Query<ReportState> {
  constructor(
    readonly reportId: string,
    readonly at: ReportAt = {},
  ) {
    super();
  }
}

@QueryHandler(GetReportQuery)
export class GetReportHandler implements IQueryHandler<GetReportQuery> {
  constructor(private readonly revisions: RevisionReader) {}

  async execute({ reportId, at }: GetReportQuery): Promise<ReportState> {
    if (at.reportedAsOf !== undefined) {
      return this.revisions.reportedAsOf(reportId, at.reportedAsOf, at.asOf);
    }
    if (at.revision !== undefined)
      return (await this.revisions.revision(reportId, at.revision)).state;
    if (at.asOf !== undefined) return this.revisions.asOf(reportId, at.asOf);
    return this.revisions.current(reportId);
  }
}
