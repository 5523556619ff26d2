import {
  InlineProjection,
  PendingEvent,
  ProjectionStatement,
  RecordedEvent,
  runProjectionStatement,
} from '@tally/event-store';
import { PoolClient } from 'pg';
import { REPORT_EVENT_TYPES, ReportState, evolve } from '../domain';
import { asReportEvent, reportIdOf, reportIdsOf } from '../report-stream';

/**
 * Folds a batch of events (in commit order, any number of reports) into `states`, keyed by
 * report id, calling `each` with the state before and after every event.
 */
export function foldByReport(
  events: readonly PendingEvent[],
  states: Map<string, ReportState>,
  each?: (
    recorded: PendingEvent,
    before: ReportState | null,
    after: ReportState,
    folded: ReturnType<typeof asReportEvent>,
  ) => void,
): void {
  for (const recorded of events) {
    const folded = asReportEvent(recorded);
    const before = states.get(folded.stamp.reportId) ?? null;
    const after = evolve(before, folded.event, folded.stamp);
    states.set(folded.stamp.reportId, after);
    each?.(recorded, before, after, folded);
  }
}

/** What a command knew when it appended: each report's state, null for one not filed yet. */
export class KnownStates {
  constructor(readonly states: ReadonlyMap<string, ReportState | null>) {}
}

/**
 * The state of each of the batch's reports just before its first event in the batch, taken from
 * what the appender knew (`known`), or null when that is not exactly the state before for every
 * report: the caller then reads its own rows.
 */
export function knownStatesBefore(
  events: readonly PendingEvent[],
  known: unknown,
): Map<string, ReportState> | null {
  if (!(known instanceof KnownStates)) return null;
  const before = new Map<string, ReportState>();
  const seen = new Set<string>();
  for (const recorded of events) {
    const reportId = reportIdOf(recorded.streamId);
    if (seen.has(reportId)) continue;
    seen.add(reportId);
    if (!known.states.has(reportId)) return null;
    const state = known.states.get(reportId) ?? null;
    if ((state?.revision ?? 0) !== recorded.streamVersion - 1) return null;
    if (state) before.set(reportId, state);
  }
  return before;
}

/**
 * A projection written from each report's state before a batch: the appender's when it knew it
 * (then it offers its writes as a statement of the append's), its own rows' otherwise.
 */
export abstract class ReportStatesProjection implements InlineProjection {
  abstract readonly name: string;
  abstract readonly tables: readonly string[];
  readonly handles = REPORT_EVENT_TYPES;

  /** The latest state this projection holds for each of these reports. */
  protected abstract read(tx: PoolClient, reportIds: string[]): Promise<Map<string, ReportState>>;

  /** Its writes for the events, from the states before them (which it may fold forward). */
  protected abstract write(
    events: readonly PendingEvent[],
    states: Map<string, ReportState>,
    first: number,
  ): ProjectionStatement;

  async apply(tx: PoolClient, events: readonly RecordedEvent[], known?: unknown): Promise<void> {
    const states = knownStatesBefore(events, known) ?? (await this.read(tx, reportIdsOf(events)));
    await runProjectionStatement(tx, events, (first) => this.write(events, states, first));
  }

  statement(
    events: readonly PendingEvent[],
    known: unknown,
    first: number,
  ): ProjectionStatement | null {
    const states = knownStatesBefore(events, known);
    return states && this.write(events, states, first);
  }
}
