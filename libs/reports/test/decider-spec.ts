import {
  ReportError,
  ReportCommand,
  ReportEvent,
  ReportState,
  decide,
  evolve,
} from '@tally/reports/domain';

export const REPORT_ID = '5b0d7f0e-8d7a-4c1e-9a55-1f0a3a1b2c3d';

/** Folds events as the store would number and stamp them: the state after them, or null. */
export function stateAfter(...events: ReportEvent[]): ReportState | null {
  return events.reduce<ReportState | null>(
    (state, event, i) =>
      evolve(state, event, {
        reportId: REPORT_ID,
        revision: i + 1,
        recordedAt: `2026-11-20T${String(10 + i).padStart(2, '0')}:00:00.000Z`,
      }),
    null,
  );
}

/**
 * A decider specification: given these events, when this command, then these events, nothing,
 * or this refusal.
 */
export function given(...history: ReportEvent[]) {
  return {
    when(command: ReportCommand) {
      const decided = (): ReportEvent[] => decide(command, stateAfter(...history));
      return {
        /** Exactly these events. */
        then(expected: ReportEvent[]): void {
          expect(decided()).toEqual(expected);
        },
        /** Events matching these (partial) ones, as many. */
        thenMatches(expected: object[]): void {
          const events = decided();
          expect(events).toHaveLength(expected.length);
          expect(events).toMatchObject(expected);
        },
        /** No event: the command changes nothing. */
        thenNothing(): void {
          expect(decided()).toEqual([]);
        },
        /** A refusal of this class, with these properties (`errors`, `code`…). */
        thenRefused(kind: new (...args: never[]) => ReportError, properties: object = {}): void {
          let refusal: unknown = null;
          try {
            decided();
          } catch (error) {
            refusal = error;
          }
          expect(refusal).toBeInstanceOf(kind);
          expect(refusal).toMatchObject(properties);
        },
      };
    },
  };
}

/** A filing event as the decider would record it, with `data` in place of the defaults. */
export const filedEvent = (data: Partial<Extract<ReportEvent, { type: 'ReportFiled' }>['data']>) =>
  ({
    type: 'ReportFiled',
    data: {
      title: 'Strikes',
      summary: null,
      location: null,
      occurredAt: null,
      reason: null,
      reportedAt: null,
      source: null,
      figures: [],
      ...data,
    },
  }) as ReportEvent;

/** A revision event as the decider would record it, with `data` in place of the defaults. */
export const revised = (data: Partial<Extract<ReportEvent, { type: 'ReportRevised' }>['data']>) =>
  ({
    type: 'ReportRevised',
    data: {
      kind: 'update',
      reason: 'r',
      reportedAt: null,
      source: null,
      details: {},
      claims: [],
      removedFigures: [],
      ...data,
    },
  }) as ReportEvent;

/** A figure as a claim the decider adopted. */
export const adopted = <F extends object>(figure: F) => ({ ...figure, adopted: true });
