import {
  Projection,
  PendingEvent,
  ProjectionStatement,
  RecordedEvent,
  LoaderWrite,
  StreamLoader,
  runProjectionStatement,
  StatesBefore,
} from '@tally/event-store';
import { PoolClient } from 'pg';
import { Change, REPORT_EVENT_TYPES, ReportState, diffReports, evolve } from '../domain';
import { asReportEvent, reportIdOf, reportIdsOf } from '../report-stream';

type ReportEventView = ReturnType<typeof asReportEvent>;

/**
 * Folds a batch of events (in commit order, any number of reports) into `states`, keyed by
 * report id, calling `each` with the state before and after every event and what it changed.
 * With `memo`, an event folded before (by another projection of the same append or rebuild page,
 * from the same state) is not folded again, nor its changes found again.
 */
export function foldByReport(
  events: readonly PendingEvent[],
  states: Map<string, ReportState>,
  each?: (
    recorded: PendingEvent,
    before: ReportState | null,
    after: ReportState,
    folded: ReportEventView,
    changes: () => readonly Change[],
  ) => void,
  memo?: Map<PendingEvent, Loaded>,
): void {
  for (const recorded of events) {
    const reportId = reportIdOf(recorded.streamId);
    const before = states.get(reportId) ?? null;
    let loaded = memo?.get(recorded);
    if (!loaded?.after) {
      const view = loaded?.view ?? asReportEvent(recorded);
      loaded = { view, after: evolve(before, view.event, view.stamp) };
      memo?.set(recorded, loaded);
    }
    const folded = loaded;
    states.set(reportId, folded.after!);
    each?.(recorded, before, folded.after!, folded.view, () => {
      folded.changes ??= diffReports(before, folded.after!);
      return folded.changes;
    });
  }
}

/**
 * What was made of an event: its domain view, the state after it, what it changed; kept so that
 * the projections of one append (and the command that appended) or of one rebuild page make each
 * once.
 */
export interface Loaded {
  readonly view: ReportEventView;
  readonly after?: ReportState;
  changes?: readonly Change[];
}

/**
 * What the loaders of one rebuild pass made of the events of the page they are on: they are all
 * handed the same event objects, in stream order from the same states, one page after another,
 * so the first to read or fold an event saves the others the work. Kept for one page at a time.
 */
export class LoadedPage {
  private first: PendingEvent | undefined;
  private readonly loaded = new Map<PendingEvent, Loaded>();

  /** The page these events start; a page that starts with another event starts afresh. */
  of(events: readonly PendingEvent[]): Map<PendingEvent, Loaded> {
    if (events[0] !== this.first) {
      this.loaded.clear();
      this.first = events[0];
    }
    return this.loaded;
  }

  /** The domain's view of one of the page's events, made once for all its loaders. */
  view(recorded: PendingEvent): ReportEventView {
    let loaded = this.loaded.get(recorded);
    if (!loaded) {
      loaded = { view: asReportEvent(recorded) };
      this.loaded.set(recorded, loaded);
    }
    return loaded.view;
  }
}

const passes = new WeakMap<object, LoadedPage>();

/** The page shared by the loaders of a rebuild pass. */
export function loadedPageOf(pass: object): LoadedPage {
  let page = passes.get(pass);
  if (!page) {
    page = new LoadedPage();
    passes.set(pass, page);
  }
  return page;
}

/**
 * What a command knew when it appended (each report's state by its id, null for one not filed
 * yet), and what the append's projections made of its events from it: folded once for all of
 * them and for the command's answer.
 */
export class DecidedStates extends StatesBefore<ReportState> {
  readonly folds = new Map<PendingEvent, Loaded>();

  /** What was made of the event recorded at `revision` and `recordedAt`, if it was folded. */
  folded(revision: number, recordedAt: Date): Loaded | undefined {
    const at = recordedAt.toISOString();
    for (const loaded of this.folds.values()) {
      if (loaded.view.stamp.revision === revision && loaded.view.stamp.recordedAt === at) {
        return loaded;
      }
    }
    return undefined;
  }
}

export const knownStates = (states: ReadonlyMap<string, ReportState | null>) =>
  new DecidedStates(states);

/** The fold an append's projections share: through the memo of what the command decided. */
function foldFor(known: StatesBefore | undefined): typeof foldByReport {
  return known instanceof DecidedStates
    ? (events, states, each) => foldByReport(events, states, each, known.folds)
    : foldByReport;
}

/**
 * The state of each of the batch's reports just before its first event in the batch, taken from
 * what the appender knew (`known`), or null when that is not exactly the state before for every
 * report: the caller then reads its own rows.
 */
export function knownStatesBefore(
  events: readonly PendingEvent[],
  known: StatesBefore | undefined,
): Map<string, ReportState> | null {
  if (!(known instanceof StatesBefore)) return null;
  const before = new Map<string, ReportState>();
  const seen = new Set<string>();
  for (const recorded of events) {
    const reportId = reportIdOf(recorded.streamId);
    if (seen.has(reportId)) continue;
    seen.add(reportId);
    if (!known.states.has(reportId)) return null;
    // The store hands back what the runner gave it: report states, by report id.
    const state = (known.states.get(reportId) as ReportState | null | undefined) ?? null;
    if ((state?.revision ?? 0) !== recorded.streamVersion - 1) return null;
    if (state) before.set(reportId, state);
  }
  return before;
}

/** What a projection writes a batch from. */
export interface StatesBatch {
  readonly events: readonly PendingEvent[];
  /** Each report's state before the batch. */
  readonly states: Map<string, ReportState>;
  /** The number of the statement's first parameter. */
  readonly first: number;
  readonly fold: typeof foldByReport;
}

/**
 * A projection written from each report's state before a batch: the appender's when it knew it
 * (then it offers its writes as a statement of the append's), its own rows' otherwise.
 */
export abstract class ReportStatesProjection implements Projection {
  abstract readonly name: string;
  abstract readonly tables: readonly string[];
  readonly handles = REPORT_EVENT_TYPES;

  /** The latest state this projection holds for each of these reports. */
  protected abstract read(tx: PoolClient, reportIds: string[]): Promise<Map<string, ReportState>>;

  /** Its writes for the events, from the states before them, which it folds forward with `fold`. */
  protected abstract write(batch: StatesBatch): ProjectionStatement;

  /**
   * A rebuild's bulk writes for a page of events in stream order, from the states before them
   * (empty but for a report continued from the page before), which it folds forward with
   * `fold`.
   */
  protected abstract load(
    events: readonly RecordedEvent[],
    states: Map<string, ReportState>,
    fold: typeof foldByReport,
  ): LoaderWrite | null;

  /** A rebuild's writes for reports whose last event has been loaded; none by default. */
  protected settle(_states: readonly ReportState[]): LoaderWrite | null {
    return null;
  }

  /**
   * Reports arrive one after another, so only the last report of a page can go on in the next:
   * its state is carried over, and it is settled once a page starts with another report, or at
   * the end.
   */
  loader(pass: object): StreamLoader {
    let carried: ReportState | null = null;
    const page = loadedPageOf(pass);
    const fold: typeof foldByReport = (events, states, each) =>
      foldByReport(events, states, each, page.of(events));
    return {
      load: (events) => {
        const states = new Map<string, ReportState>();
        const settled: ReportState[] = [];
        if (carried && carried.id === reportIdOf(events[0].streamId)) {
          states.set(carried.id, carried);
        } else if (carried) {
          settled.push(carried);
        }
        const loaded = this.load(events, states, fold);
        const last = reportIdOf(events[events.length - 1].streamId);
        carried = states.get(last) ?? null;
        for (const [id, state] of states) if (id !== last) settled.push(state);
        const settling = this.settle(settled);
        return async (tx) => {
          await loaded?.(tx);
          await settling?.(tx);
        };
      },
      finish: () => {
        const settling = carried && this.settle([carried]);
        carried = null;
        return async (tx) => {
          await settling?.(tx);
        };
      },
    };
  }

  async apply(
    tx: PoolClient,
    events: readonly RecordedEvent[],
    known?: StatesBefore,
  ): Promise<void> {
    const before = knownStatesBefore(events, known);
    const states = before ?? (await this.read(tx, reportIdsOf(events)));
    // What the command decided is shared only when folding from exactly its states.
    const fold = before ? foldFor(known) : foldByReport;
    await runProjectionStatement(tx, events, (first) =>
      this.write({ events, states, first, fold }),
    );
  }

  statement(
    events: readonly PendingEvent[],
    known: StatesBefore | undefined,
    first: number,
  ): ProjectionStatement | null {
    const states = knownStatesBefore(events, known);
    return states && this.write({ events, states, first, fold: foldFor(known) });
  }
}
