import { Amount, Figure, sameAmount } from './figures';
import { Source } from './report.events';

/** The publisher of a revision without a source: its figures are claims of nobody named. */
export const UNATTRIBUTED = 'unattributed';

/** A claim's source, named: its publisher (trimmed), else its URL's host, else nobody. */
export function publisherOf(source: Source | null | undefined): string {
  const named = source?.publisher?.trim();
  if (named) return named;
  if (!source) return UNATTRIBUTED;
  try {
    return new URL(source.url).host || source.url;
  } catch {
    return source.url;
  }
}

/** A figure of the report: the claim adopted for its key, who made it, when and in which revision. */
export interface AdoptedFigure extends Figure {
  readonly publisher: string;
  /** ISO 8601 UTC: when its source said it. */
  readonly reportedAt: string;
  readonly revision: number;
}

/** A publisher's latest claim on one key: its newest `reportedAt`, ties to the later revision. */
export interface LatestClaim {
  readonly publisher: string;
  readonly amount: Amount;
  readonly reportedAt: string;
  readonly revision: number;
  readonly url: string | null;
}

/** Each publisher's latest claim on one key, publishers in the order they first claimed it. */
export interface KeyClaims {
  readonly key: string;
  readonly latest: readonly LatestClaim[];
}

/** A publisher a report cites or that claims one of its figures, in the order first cited. */
export interface Publisher {
  readonly publisher: string;
  readonly urls: readonly string[];
  readonly firstReportedAt: string;
  readonly lastReportedAt: string;
}

/** What a revision claims on one key, and whether its claim became the report's figure. */
export interface ClaimedFigure extends Figure {
  readonly adopted: boolean;
}

/** `a` was reported after `b`: by `reportedAt`, ties to the later revision. */
export function reportedAfter(
  a: { reportedAt: string; revision: number },
  b: { reportedAt: string; revision: number },
): boolean {
  return a.reportedAt > b.reportedAt || (a.reportedAt === b.reportedAt && a.revision > b.revision);
}

/**
 * The adoption rule for an `update` or `correction` claim reported at `reportedAt` (null: when it
 * is recorded, after every claim so far): adopted unless the key's adopted claim was reported
 * later. Backfilling yesterday's statement never lowers today's toll.
 */
export function adopts(adopted: AdoptedFigure | undefined, reportedAt: string | null): boolean {
  return !adopted || reportedAt === null || adopted.reportedAt <= reportedAt;
}

export function latestClaimOf(
  claims: readonly KeyClaims[],
  key: string,
  publisher: string,
): LatestClaim | undefined {
  const known = claims[sortedIndex(claims, key)];
  return known?.key === key ? known.latest.find((c) => c.publisher === publisher) : undefined;
}

/** A claim is new unless its publisher's latest claim on the key says the same amount. */
export function isNewClaim(latest: LatestClaim | undefined, amount: Amount): boolean {
  return !latest || !sameAmount(latest.amount, amount);
}

/**
 * Who said what of a report: each publisher's latest claim on each key, and every publisher
 * cited. Kept whole in the report's current state (the decider needs it); rebuilt from the
 * revision log for a past revision.
 */
export interface ClaimBook {
  readonly claims: readonly KeyClaims[];
  readonly publishers: readonly Publisher[];
}

export const EMPTY_BOOK: ClaimBook = { claims: [], publishers: [] };

/** What one revision brings to the book: its publisher, when it said it, and what it claimed. */
export interface BookEntry {
  readonly publisher: string;
  readonly reportedAt: string;
  readonly revision: number;
  /** Its source's URL; null without a source. */
  readonly url: string | null;
  readonly claims: readonly { readonly key: string; readonly amount: Amount }[];
}

/**
 * The book once a revision is entered: a revision with a source or a claim cites its publisher;
 * each claim becomes its publisher's latest on its key when it is newer.
 */
export function entered(book: ClaimBook, entry: BookEntry): ClaimBook {
  if (entry.url === null && entry.claims.length === 0) return book;
  return {
    claims: entry.claims.length > 0 ? withClaims(book.claims, entry) : book.claims,
    publishers: citingPublisher(book.publishers, entry),
  };
}

/** The keys' claims, kept sorted by key, with the entry's claims recorded. */
function withClaims(claims: readonly KeyClaims[], entry: BookEntry): KeyClaims[] {
  const next = [...claims];
  for (const { key, amount } of entry.claims) {
    const claim: LatestClaim = {
      publisher: entry.publisher,
      amount,
      reportedAt: entry.reportedAt,
      revision: entry.revision,
      url: entry.url,
    };
    const at = sortedIndex(next, key);
    const known = next[at];
    if (known?.key !== key) {
      next.splice(at, 0, { key, latest: [claim] });
      continue;
    }
    const mine = known.latest.findIndex((c) => c.publisher === entry.publisher);
    if (mine === -1) next[at] = { key, latest: [...known.latest, claim] };
    else if (reportedAfter(claim, known.latest[mine])) {
      next[at] = { key, latest: known.latest.map((c, i) => (i === mine ? claim : c)) };
    }
  }
  return next;
}

/** Where `key` is, or would be inserted, in claims sorted by key. */
function sortedIndex(claims: readonly KeyClaims[], key: string): number {
  let low = 0;
  let high = claims.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (claims[middle].key < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The publishers once the entry's publisher is cited: first cited first. */
function citingPublisher(publishers: readonly Publisher[], entry: BookEntry): readonly Publisher[] {
  const { publisher, url, reportedAt } = entry;
  const at = publishers.findIndex((p) => p.publisher === publisher);
  if (at === -1) {
    const urls = url ? [url] : [];
    return [
      ...publishers,
      { publisher, urls, firstReportedAt: reportedAt, lastReportedAt: reportedAt },
    ];
  }
  const known = publishers[at];
  const newUrl = url !== null && !known.urls.includes(url);
  if (!newUrl && reportedAt >= known.firstReportedAt && reportedAt <= known.lastReportedAt) {
    return publishers;
  }
  const updated: Publisher = {
    publisher,
    urls: newUrl ? [...known.urls, url] : known.urls,
    firstReportedAt: reportedAt < known.firstReportedAt ? reportedAt : known.firstReportedAt,
    lastReportedAt: reportedAt > known.lastReportedAt ? reportedAt : known.lastReportedAt,
  };
  return publishers.map((p, i) => (i === at ? updated : p));
}

/** The range the claims span: the least minimum and the greatest maximum; null for none. */
export function rangeOf(amounts: readonly Amount[]): { min: number; max: number } | null {
  if (amounts.length === 0) return null;
  const mins = amounts.map((a) => (typeof a === 'number' ? a : a.min));
  const maxes = amounts.map((a) => (typeof a === 'number' ? a : a.max));
  return { min: Math.min(...mins), max: Math.max(...maxes) };
}
