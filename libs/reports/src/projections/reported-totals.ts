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
): { periods: ReportedPeriod[]; sweep: ReportedSweep } {
  const sorted = [...items].sort(
    (a, b) => Date.parse(a.reportedAt) - Date.parse(b.reportedAt) || a.revision - b.revision,
  );
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
    if (next && Date.parse(next.reportedAt) === Date.parse(item.reportedAt)) continue;
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
  }
  const last = sorted[sorted.length - 1];
  return {
    periods: snapshots.flatMap(({ at, periods }, i) =>
      periods.map((period) => ({ ...period, from: at, to: snapshots[i + 1]?.at ?? null })),
    ),
    sweep: {
      until: last ? { reportedAt: last.reportedAt, revision: last.revision } : start.until,
      location,
      status,
      weighed: Object.fromEntries([...weighed].filter(([, list]) => list.length > 0)),
      cut: Object.fromEntries(cut),
    },
  };
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
 * recorded at its time: after each, the periods its report holds on the reported axis are
 * compared with those before it; those gone are closed at its recorded time, the new ones open
 * from it. An event that continues the sweep changes only the open periods (held from the
 * sweep's last reported time on) and is swept on alone; one reported earlier has the report's
 * items swept again from the filing, and all its periods compared (`stored`: its items and
 * current periods before the batch, read for that).
 */
export function recordedPeriods(
  filed: { location: string | null; status: ReportStatus },
  start: ReportedSweep,
  events: readonly { item: ReportedItem; recordedAt: string }[],
  stored?: { items: readonly ReportedItem[]; current: readonly RecordedPeriod[] },
): ReportedChanges {
  const closed: RecordedPeriod[] = [];
  const batch: Opened = { opened: [], fresh: new Set(), dropped: new Set() };
  const items = [...(stored?.items ?? [])];
  let sweep = start;
  let current: RecordedPeriod[] = stored ? [...stored.current] : openPeriods(start);
  const whole = stored !== undefined;
  for (const { item, recordedAt } of events) {
    items.push(item);
    let after: ReportedPeriod[];
    if (continuesSweep(sweep, [item])) {
      const at = Date.parse(item.reportedAt);
      const { periods, sweep: next } = sweepReported(sweep, [item]);
      const open = new Set(current.filter((p) => p.to === null || Date.parse(p.from) >= at));
      const held = current.filter((p) => !open.has(p)).map(plain);
      const shortened = [...open]
        .filter((p) => Date.parse(p.from) < at)
        .map((p) => ({ ...plain(p), to: item.reportedAt }));
      after = [...held, ...shortened, ...periods];
      sweep = next;
    } else {
      if (!whole) throw new Error('a report swept again needs its stored items and periods');
      ({ periods: after, sweep } = sweepReported(sweepStart(filed), items));
    }
    current = compared(current, after, recordedAt, closed, batch);
  }
  return { closed, opened: batch.opened.filter((p) => !batch.dropped.has(p)), sweep };
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

const identity = (p: ReportedPeriod) =>
  JSON.stringify([
    p.measure,
    p.location,
    p.min,
    p.max,
    Date.parse(p.from),
    p.to && Date.parse(p.to),
  ]);

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
