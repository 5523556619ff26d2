import {
  ReportedItem,
  ReportedPeriod,
  ReportedSweep,
  continuesSweep,
  firstNot,
  inReportedOrder,
  sweepReported,
  sweepStart,
} from './reported-totals';
import type { ReportStatus } from '../domain';

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
    // Without them, every event must come after the sweep (and so after the batch before it).
    if (!stored && !continuesSweep(states[states.length - 1] ?? start, [item])) {
      throw new Error('a report swept again needs its stored items and periods');
    }
    const place = firstNot(items, (other) => inReportedOrder(other, item) < 0);
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
