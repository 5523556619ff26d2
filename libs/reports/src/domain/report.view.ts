import { AdoptedFigure, ClaimBook, publisherOf, rangeOf } from './claims';
import { checksOf } from './checks';
import { Amount, Figure } from './figures';
import { ReportEvent } from './report.events';
import { ReportState, RevisionStamp } from './report.state';

/** An amount as the API shows it: `value` for an exact count, `min`/`max` for a range. */
function amountView(amount: Amount) {
  return typeof amount === 'number' ? { value: amount } : { min: amount.min, max: amount.max };
}

/** A figure as the API shows it, with the publisher and reported time of its adopted claim. */
export function figureView(figure: AdoptedFigure) {
  const { key, measure, dimensions, amount, publisher, reportedAt } = figure;
  return { key, measure, dimensions, ...amountView(amount), publisher, reportedAt };
}

/** The report as the API shows it. */
export function reportView(state: ReportState) {
  return {
    id: state.id,
    revision: state.revision,
    status: state.status,
    title: state.title,
    summary: state.summary,
    location: state.location,
    occurredAt: state.occurredAt,
    figures: state.figures.map(figureView),
    sources: state.sources,
    checks: checksOf(state.figures),
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
  };
}

export type ReportView = ReturnType<typeof reportView>;

/** A claim a revision recorded, as its response and the revision log show it. */
export interface RevisionClaim {
  readonly key: string;
  readonly publisher: string;
  readonly amount: Amount;
  readonly reportedAt: string;
  readonly adopted: boolean;
  /** An update or correction not adopted: the key's adopted claim was reported later. */
  readonly late: boolean;
}

/** The claims an event recorded: a filing's figures, a revision's claims. */
export function revisionClaims(event: ReportEvent, stamp: RevisionStamp): RevisionClaim[] {
  const publisher = publisherOf(event.data.source);
  const reportedAt = event.data.reportedAt ?? stamp.recordedAt;
  const claim = (figure: Figure, adopted: boolean, late: boolean): RevisionClaim => ({
    key: figure.key,
    publisher,
    amount: figure.amount,
    reportedAt,
    adopted,
    late,
  });
  switch (event.type) {
    case 'ReportFiled':
      return event.data.figures.map((figure) => claim(figure, true, false));
    case 'ReportRevised':
      return event.data.claims.map((c) =>
        claim(c, c.adopted, !c.adopted && event.data.kind !== 'claim'),
      );
    default:
      return [];
  }
}

/** Each publisher with its latest claim per key, publishers in the order first cited. */
export function sourcesView(book: ClaimBook) {
  return book.publishers.map((publisher) => ({
    publisher: publisher.publisher,
    urls: publisher.urls,
    firstReportedAt: publisher.firstReportedAt,
    lastReportedAt: publisher.lastReportedAt,
    figures: book.claims.flatMap(({ key, latest }) =>
      latest
        .filter((claim) => claim.publisher === publisher.publisher)
        .map(({ amount, reportedAt, revision }) => ({ key, amount, reportedAt, revision })),
    ),
  }));
}

/** Each publisher's latest claim on one key, the adopted one, and the range they span; null for a key never claimed. */
export function figureSourcesView(book: ClaimBook, figures: readonly AdoptedFigure[], key: string) {
  const latest = book.claims.find((claims) => claims.key === key)?.latest;
  if (!latest) return null;
  const figure = figures.find((f) => f.key === key);
  const isAdopted = (claim: { publisher: string; revision: number }) =>
    figure !== undefined &&
    figure.publisher === claim.publisher &&
    figure.revision === claim.revision;
  return {
    key,
    adopted: figure
      ? {
          amount: figure.amount,
          publisher: figure.publisher,
          reportedAt: figure.reportedAt,
          revision: figure.revision,
        }
      : null,
    range: rangeOf(latest.map((claim) => claim.amount)),
    claims: latest.map((claim) => ({
      publisher: claim.publisher,
      amount: claim.amount,
      reportedAt: claim.reportedAt,
      revision: claim.revision,
      url: claim.url,
      adopted: isAdopted(claim),
    })),
  };
}
