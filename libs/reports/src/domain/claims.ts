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
  return claims.find((k) => k.key === key)?.latest.find((c) => c.publisher === publisher);
}

/** A claim is new unless its publisher's latest claim on the key says the same amount. */
export function isNewClaim(latest: LatestClaim | undefined, amount: Amount): boolean {
  return !latest || !sameAmount(latest.amount, amount);
}

/** The latest claims once `made` are recorded: each replaces its publisher's latest when newer. */
export function withClaims(
  claims: readonly KeyClaims[],
  made: readonly (LatestClaim & { readonly key: string })[],
): KeyClaims[] {
  const byKey = new Map(claims.map((k) => [k.key, k.latest]));
  for (const { key, ...claim } of made) {
    const latest = byKey.get(key) ?? [];
    const at = latest.findIndex((c) => c.publisher === claim.publisher);
    if (at === -1) byKey.set(key, [...latest, claim]);
    else if (reportedAfter(claim, latest[at])) {
      byKey.set(
        key,
        latest.map((c, j) => (j === at ? claim : c)),
      );
    }
  }
  return [...byKey]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, latest]) => ({ key, latest }));
}

/** The publishers after a revision by `publisher` reported at `reportedAt`, citing `url`. */
export function citingPublisher(
  publishers: readonly Publisher[],
  publisher: string,
  url: string | null,
  reportedAt: string,
): Publisher[] {
  const at = publishers.findIndex((p) => p.publisher === publisher);
  if (at === -1) {
    return [
      ...publishers,
      {
        publisher,
        urls: url ? [url] : [],
        firstReportedAt: reportedAt,
        lastReportedAt: reportedAt,
      },
    ];
  }
  const known = publishers[at];
  const updated: Publisher = {
    publisher,
    urls: url && !known.urls.includes(url) ? [...known.urls, url] : known.urls,
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
