import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { PostgresEventStore } from '@tally/event-store';
import { ReportNotFound } from '../domain';
import { REPORTS_EVENT_STORE } from '../report-state-cache';
import { reportStreamId } from '../report-stream';
import { RevisionReader } from '../revision-reader';

export type Verification =
  | { valid: true; revisions: number; head: string | null }
  | { valid: false; brokenAt: number; reason: string };

/**
 * Recomputes a report's hash chain from its stored events, and holds its head against the one
 * the revision log recorded when the last revision committed: an event removed from the end of
 * the stream leaves the chain whole but the log one revision ahead.
 */
export class VerifyReportQuery extends Query<Verification> {
  constructor(readonly reportId: string) {
    super();
  }
}

@QueryHandler(VerifyReportQuery)
export class VerifyReportHandler implements IQueryHandler<VerifyReportQuery> {
  constructor(
    @Inject(REPORTS_EVENT_STORE) private readonly store: PostgresEventStore,
    private readonly revisions: RevisionReader,
  ) {}

  async execute({ reportId }: VerifyReportQuery): Promise<Verification> {
    const streamId = reportStreamId(reportId);
    const head = await this.revisions.head(reportId);
    if (!head && (await this.store.streamVersion(streamId)) === 0) {
      throw new ReportNotFound(reportId);
    }
    const result = await this.store.verifyStream(streamId, head ?? undefined);
    return result.valid
      ? { valid: true, revisions: result.version, head: result.head }
      : { valid: false, brokenAt: result.brokenAt, reason: result.reason };
  }
}
