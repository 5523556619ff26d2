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
function inReportedOrder(a: ReportedItem, b: ReportedItem): number {
  return Date.parse(a.reportedAt) - Date.parse(b.reportedAt) || a.revision - b.revision;
}

/** The first index of a sorted list whose element `before` is false for. */
function firstNot<T>(list: readonly T[], before: (element: T) => boolean): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (before(list[mid])) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** A reported period as recorded from `recordedFrom` until `recordedTo` (null: still). */
export interface RecordedPeriod extends ReportedPeriod {
  readonly recordedFrom: string;
  recordedTo: string | null;
}

/** What a report's batch of events changes in its periods on both axes. */
export interface ReportedChanges {
  /** Stored periods no longer recorded from `recordedTo` on. */
  readonly closed: RecordedPeriod[];
  /** Periods recorded from the batch on (some of them closed within it). */
  readonly opened: RecordedPeriod[];
  readonly sweep: ReportedSweep;
}

/**
 * A report's periods on both axes through a batch of its events (in recorded order), each event
 * recorded at its time. An event takes its place in reported order; the sweep is taken up again
 * from just before it over it and every item reported after it, and the periods it touches (from
 * the one holding at its reported time on) are compared with what the sweep now says: those gone
 * are closed at its recorded time, the new ones open from it. An event reported no earlier than
 * the sweep has reached touches only the open periods, and needs nothing but the sweep; one
 * reported earlier needs the report's items and current periods (`stored`), swept once for the
 * batch, so that each event costs what follows it in reported time, not the whole history.
 */
export function recordedPeriods(
  filed: { location: string | null; status: ReportStatus },
  start: ReportedSweep,
  events: readonly { item: ReportedItem; recordedAt: string }[],
  stored?: { items: readonly ReportedItem[]; current: readonly RecordedPeriod[] },
): ReportedChanges {
  const closed: RecordedPeriod[] = [];
  const batch: Opened = { opened: [], fresh: new Set(), dropped: new Set() };
  // The items in reported order, with the sweep after each, and the periods held, by start.
  const base = stored ? sweepStart(filed) : start;
  const items = stored ? [...stored.items].sort(inReportedOrder) : [];
  const states: ReportedSweep[] = [];
  if (stored) sweepReported(base, items, (after) => states.push(after));
  const current = stored ? [...stored.current] : openPeriods(start);
  current.sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
  for (const { item, recordedAt } of events) {
    const at = Date.parse(item.reportedAt);
    const place = firstNot(items, (other) => inReportedOrder(other, item) < 0);
    if (!stored && place < items.length) {
      throw new Error('a report swept again needs its stored items and periods');
    }
    if (!stored && !continuesSweep(states[states.length - 1] ?? start, [item])) {
      throw new Error('a report swept again needs its stored items and periods');
    }
    items.splice(place, 0, item);
    const resumed: ReportedSweep[] = [];
    const { periods } = sweepReported(
      place === 0 ? base : states[place - 1],
      items.slice(place),
      (after) => resumed.push(after),
    );
    states.splice(place, states.length - place, ...resumed);
    // The periods it touches: from the last one starting before it on.
    const previous = firstNot(current, (p) => Date.parse(p.from) < at);
    const holding = previous > 0 ? Date.parse(current[previous - 1].from) : -Infinity;
    const split = firstNot(current, (p) => Date.parse(p.from) < holding);
    const touched = current.slice(split);
    const after = [
      ...touched
        .filter((p) => Date.parse(p.from) < at)
        .map((p) =>
          p.to === null || Date.parse(p.to) > at ? { ...plain(p), to: item.reportedAt } : plain(p),
        ),
      ...periods,
    ];
    const now = compared(touched, after, recordedAt, closed, batch);
    now.sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
    current.splice(split, current.length - split, ...now);
  }
  return {
    closed,
    opened: batch.opened.filter((p) => !batch.dropped.has(p)),
    sweep: states[states.length - 1] ?? base,
  };
}

/** The periods the sweep holds open (from its last reported time on), as recorded. */
function openPeriods(sweep: ReportedSweep): RecordedPeriod[] {
  if (!sweep.until || sweep.status === 'retracted') return [];
  return Object.entries(sweep.weighed).flatMap(([measure, list]) => {
    const figure = list[list.length - 1];
    if (!figure || figure.revision <= (sweep.cut[measure] ?? 0)) return [];
    return [
      {
        measure,
        location: sweep.location,
        min: figure.min,
        max: figure.max,
        from: sweep.until!.reportedAt,
        to: null,
        recordedFrom: '',
        recordedTo: null,
      },
    ];
  });
}

const plain = ({ measure, location, min, max, from, to }: ReportedPeriod): ReportedPeriod => ({
  measure,
  location,
  min,
  max,
  from,
  to,
});

/** A period's identity: texts hold no NUL (refused on input), a missing location is \u0001. */
const identity = (p: ReportedPeriod) =>
  [
    p.measure,
    p.location ?? '\u0001',
    p.min,
    p.max,
    Date.parse(p.from),
    p.to === null ? '' : Date.parse(p.to),
  ].join('\u0000');

/**
 * The periods held after an event recorded at `recordedAt`, from those held before: the ones
 * gone are closed then (a stored one in `closed`, one opened in this batch where it stands, and
 * dropped if it held for no time), the new ones opened then.
 */
function compared(
  before: readonly RecordedPeriod[],
  after: readonly ReportedPeriod[],
  recordedAt: string,
  closed: RecordedPeriod[],
  batch: Opened,
): RecordedPeriod[] {
  const kept = new Map(after.map((p) => [identity(p), p]));
  const now: RecordedPeriod[] = [];
  for (const period of before) {
    if (kept.delete(identity(period))) {
      now.push(period);
    } else if (!batch.fresh.has(period)) {
      closed.push({ ...period, recordedTo: recordedAt });
    } else if (Date.parse(period.recordedFrom) >= Date.parse(recordedAt)) {
      batch.dropped.add(period);
    } else {
      period.recordedTo = recordedAt;
    }
  }
  for (const period of kept.values()) {
    const fresh = { ...period, recordedFrom: recordedAt, recordedTo: null };
    batch.opened.push(fresh);
    batch.fresh.add(fresh);
    now.push(fresh);
  }
  return now;
}

/** The periods a batch opened, in order; those it opened and closed at once are dropped. */
interface Opened {
  readonly opened: RecordedPeriod[];
  readonly fresh: Set<RecordedPeriod>;
  readonly dropped: Set<RecordedPeriod>;
}

/** An amount's bounds. */
export function boundsOf(amount: Amount): Bounds {
  return typeof amount === 'number' ? { min: amount, max: amount } : amount;
}
