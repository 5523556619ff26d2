import { Amount, ReportStatus } from '../domain';

/** A headline figure's bounds: a value is its own min and max. */
export interface Bounds {
  readonly min: number;
  readonly max: number;
}

/**
 * What one revision says on the reported axis that totals read: when it was reported, the
 * location and status it changed, the headline figures it claimed that the adoption rule weighs
 * (adopted or late; by measure), and the headline figures it removed.
 */
export interface ReportedItem {
  readonly revision: number;
  readonly reportedAt: string;
  readonly location?: string | null;
  readonly status?: ReportStatus;
  readonly figures: Readonly<Record<string, Bounds>>;
  readonly removed: readonly string[];
}

interface Candidate extends Bounds {
  readonly revision: number;
}

/**
 * A report on the reported axis after the items up to `until` (in reported order, then revision):
 * its location and status, and by measure the claims that may still be its figure (each of a
 * later revision than the next, the last of them the figure: a removal ends a tail of them).
 */
export interface ReportedSweep {
  readonly until: { readonly reportedAt: string; readonly revision: number } | null;
  readonly location: string | null;
  readonly status: ReportStatus;
  readonly weighed: Readonly<Record<string, readonly Candidate[]>>;
  readonly cut: Readonly<Record<string, number>>;
}

/** A headline figure as the report's sources had it, from `from` until `to` (null: still). */
export interface ReportedPeriod extends Bounds {
  readonly measure: string;
  readonly location: string | null;
  readonly from: string;
  readonly to: string | null;
}

/** Before any item: the report as filed, with no figure yet. */
export function sweepStart(filed: {
  location: string | null;
  status: ReportStatus;
}): ReportedSweep {
  return { until: null, location: filed.location, status: filed.status, weighed: {}, cut: {} };
}

/** True when the items (in recorded order) all come after the sweep in reported order. */
export function continuesSweep(sweep: ReportedSweep, items: readonly ReportedItem[]): boolean {
  let last = sweep.until?.reportedAt ?? '';
  for (const item of items) {
    if (Date.parse(item.reportedAt) < (last ? Date.parse(last) : -Infinity)) return false;
    last = item.reportedAt;
  }
  return true;
}

/**
 * Sweeps the items (in any order) after `start`, in reported order (ties: the later revision):
 * the periods each reported time they name opens (each holds until the next one), and the sweep
 * after them, kept short.
 */
export function sweepReported(
  start: ReportedSweep,
  items: readonly ReportedItem[],
  record?: (after: ReportedSweep) => void,
): { periods: ReportedPeriod[]; sweep: ReportedSweep } {
  const sorted = [...items].sort(inReportedOrder);
  let { location, status } = start;
  const weighed = new Map(Object.entries(start.weighed).map(([m, list]) => [m, [...list]]));
  const cut = new Map(Object.entries(start.cut));
  const snapshots: { at: string; periods: Omit<ReportedPeriod, 'from' | 'to'>[] }[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const item = sorted[i];
    if (item.location !== undefined) location = item.location;
    if (item.status !== undefined) status = item.status;
    for (const measure of item.removed) {
      cut.set(measure, Math.max(cut.get(measure) ?? 0, item.revision));
    }
    for (const [measure, bounds] of Object.entries(item.figures)) {
      // A claim before it in reported order and of an earlier revision can never be the figure
      // again: whatever removal leaves it standing leaves this one too, and this one is later.
      const list = weighed.get(measure) ?? [];
      while (list.length > 0 && list[list.length - 1].revision < item.revision) list.pop();
      list.push({ revision: item.revision, ...bounds });
      weighed.set(measure, list);
    }
    const next = sorted[i + 1];
    if (next && Date.parse(next.reportedAt) === Date.parse(item.reportedAt)) {
      record?.(stateOf(item, location, status, weighed, cut));
      continue;
    }
    // The last item reported at this time: the report as its sources had it from then. Each
    // list runs from the latest revision to the earliest: those a removal ends are at its end.
    const periods: Omit<ReportedPeriod, 'from' | 'to'>[] = [];
    for (const [measure, list] of weighed) {
      const removed = cut.get(measure) ?? 0;
      while (list.length > 0 && list[list.length - 1].revision <= removed) list.pop();
      const figure = list[list.length - 1];
      if (figure && status !== 'retracted') {
        periods.push({ measure, location, min: figure.min, max: figure.max });
      }
    }
    snapshots.push({ at: item.reportedAt, periods });
    record?.(stateOf(item, location, status, weighed, cut));
  }
  const last = sorted[sorted.length - 1];
  return {
    periods: snapshots.flatMap(({ at, periods }, i) =>
      periods.map((period) => ({ ...period, from: at, to: snapshots[i + 1]?.at ?? null })),
    ),
    sweep: last ? stateOf(last, location, status, weighed, cut) : start,
  };
}

/** The sweep as it stands after `item`, copied. */
function stateOf(
  item: ReportedItem,
  location: string | null,
  status: ReportStatus,
  weighed: Map<string, Candidate[]>,
  cut: Map<string, number>,
): ReportedSweep {
  return {
    until: { reportedAt: item.reportedAt, revision: item.revision },
    location,
    status,
    weighed: Object.fromEntries(
      [...weighed].filter(([, list]) => list.length > 0).map(([m, list]) => [m, [...list]]),
    ),
    cut: Object.fromEntries(cut),
  };
}

/** Reported order: by reported time, then revision. */
export function inReportedOrder(a: ReportedItem, b: ReportedItem): number {
  return Date.parse(a.reportedAt) - Date.parse(b.reportedAt) || a.revision - b.revision;
}

/** The first index of a sorted list whose element `before` is false for. */
export function firstNot<T>(list: readonly T[], before: (element: T) => boolean): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (before(list[mid])) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** An amount's bounds. */
export function boundsOf(amount: Amount): Bounds {
  return typeof amount === 'number' ? { min: amount, max: amount } : amount;
}
