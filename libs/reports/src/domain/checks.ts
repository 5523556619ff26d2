import { AdoptedFigure, rangeOf } from './claims';
import { Amount } from './figures';

export const CHECK_STATUSES = ['complete', 'partial', 'exceeds'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];
/** What `GET /reports?check=` finds: reports with a check in error or out of date. */
export const CHECK_FLAGS = ['exceeds', 'stale'] as const;
export type CheckFlag = (typeof CHECK_FLAGS)[number];

/** Whether the parts of one dimension add up to a measure's headline figure. */
export interface Check {
  readonly measure: string;
  readonly dimension: string;
  readonly total: Amount;
  readonly parts: { readonly min: number; readonly max: number };
  readonly count: number;
  readonly status: CheckStatus;
  readonly stale: boolean;
}

/**
 * For each measure with a headline figure (no dimensions), one check per dimension name that
 * figures of the measure with exactly that one dimension use. Figures of two or more dimensions
 * are cross-tabulations, not parts. Sorted by measure, then dimension.
 */
export function checksOf(figures: readonly AdoptedFigure[]): Check[] {
  const headlines = new Map(
    figures.filter((f) => Object.keys(f.dimensions).length === 0).map((f) => [f.measure, f]),
  );
  const parts = new Map<string, AdoptedFigure[]>();
  for (const figure of figures) {
    const names = Object.keys(figure.dimensions);
    if (names.length !== 1 || !headlines.has(figure.measure)) continue;
    const slot = `${figure.measure}\n${names[0]}`;
    parts.set(slot, [...(parts.get(slot) ?? []), figure]);
  }
  return [...parts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([slot, group]) => {
      const [measure, dimension] = slot.split('\n');
      const headline = headlines.get(measure)!;
      const total = rangeOf([headline.amount])!;
      const sum = group.reduce(
        (acc, part) => {
          const { min, max } = rangeOf([part.amount])!;
          return { min: acc.min + min, max: acc.max + max };
        },
        { min: 0, max: 0 },
      );
      const status: CheckStatus =
        sum.min > total.max
          ? 'exceeds'
          : sum.min === total.min && sum.max === total.max
            ? 'complete'
            : 'partial';
      const stale =
        status !== 'complete' && group.every((part) => part.revision < headline.revision);
      return {
        measure,
        dimension,
        total: headline.amount,
        parts: sum,
        count: group.length,
        status,
        stale,
      };
    });
}

/** The flags a report's checks raise, for listing reports by them. */
export function checkFlags(checks: readonly Check[]): CheckFlag[] {
  const flags: CheckFlag[] = [];
  if (checks.some((check) => check.status === 'exceeds')) flags.push('exceeds');
  if (checks.some((check) => check.stale)) flags.push('stale');
  return flags;
}
