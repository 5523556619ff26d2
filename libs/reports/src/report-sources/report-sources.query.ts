import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { AdoptedFigure, ClaimBook, bookOf } from '../domain';
import { ReportAt, RevisionReader } from '../revision-reader';

export interface SourcesAt {
  /** The report's figures then: the adopted claims. */
  readonly figures: readonly AdoptedFigure[];
  readonly book: ClaimBook;
}

/**
 * Who said what of a report: now (its current state's book), after a revision, at a time, or
 * what had been said by a reported time.
 */
export class GetSourcesQuery extends Query<SourcesAt> {
  constructor(
    readonly reportId: string,
    readonly at: ReportAt,
  ) {
    super();
  }
}

@QueryHandler(GetSourcesQuery)
export class GetSourcesHandler implements IQueryHandler<GetSourcesQuery> {
  constructor(private readonly revisions: RevisionReader) {}

  async execute({ reportId, at }: GetSourcesQuery): Promise<SourcesAt> {
    if (at.revision === undefined && at.asOf === undefined && at.reportedAsOf === undefined) {
      const state = await this.revisions.current(reportId);
      return { figures: state.figures, book: bookOf(state) };
    }
    if (at.reportedAsOf !== undefined) {
      const state = await this.revisions.reportedAsOf(reportId, at.reportedAsOf, at.asOf);
      // Its revision is the newest reported by then (and recorded by asOf): the book's bound.
      const book = await this.revisions.claimBook(reportId, state.revision, at.reportedAsOf);
      return { figures: state.figures, book };
    }
    const upTo = await this.revisions.revisionAt(reportId, at);
    const [stored, book] = await Promise.all([
      this.revisions.revision(reportId, upTo),
      this.revisions.claimBook(reportId, upTo),
    ]);
    return { figures: stored.state.figures, book };
  }
}
