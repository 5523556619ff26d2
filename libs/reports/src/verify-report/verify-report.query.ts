import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { PostgresEventStore } from '@tally/event-store';
import { ReportNotFound } from '../domain';
import { REPORTS_EVENT_STORE } from '../report-store';
import { reportStreamId } from '../report-stream';

export type Verification =
  | { valid: true; revisions: number; head: string | null }
  | { valid: false; brokenAt: number; reason: string };

/** Recomputes a report's hash chain from its stored events. */
export class VerifyReportQuery extends Query<Verification> {
  constructor(readonly reportId: string) {
    super();
  }
}

@QueryHandler(VerifyReportQuery)
export class VerifyReportHandler implements IQueryHandler<VerifyReportQuery> {
  constructor(@Inject(REPORTS_EVENT_STORE) private readonly store: PostgresEventStore) {}

  async execute({ reportId }: VerifyReportQuery): Promise<Verification> {
    const streamId = reportStreamId(reportId);
    if ((await this.store.streamVersion(streamId)) === 0) throw new ReportNotFound(reportId);
    const result = await this.store.verifyStream(streamId);
    return result.valid
      ? { valid: true, revisions: result.version, head: result.head }
      : { valid: false, brokenAt: result.brokenAt, reason: result.reason };
  }
}
