import { PoolClient } from 'pg';
import { ProjectionStatement } from './append-statement';
import { PendingEvent, RecordedEvent } from './event-store.types';
import type { StreamLoader } from './projection-rebuild';

/**
 * What an appender knew of the streams it appends to: the state its command decided on, by the
 * key its projections understand (a report's id; null for a stream not started yet). The store
 * hands it untouched to the inline projections, which may use it instead of reading their own
 * rows, once they have checked that it is exactly the state before the events.
 */
export class StatesBefore<State = unknown> {
  constructor(readonly states: ReadonlyMap<string, State | null>) {}
}

/** What a projection of the whole log handles (the Merkle log): every event, whatever its type. */
export const EVERY_EVENT: readonly string[] = Object.freeze(['*']);

/** True when the projection applies events of this type. */
export function handlesType(projection: Pick<Projection, 'handles'>, type: string): boolean {
  return projection.handles === EVERY_EVENT || projection.handles.includes(type);
}

/** The event types to read for these projections; undefined: every type. */
export function typesOf(projections: readonly Pick<Projection, 'handles'>[]): string[] | undefined {
  if (projections.some((p) => p.handles === EVERY_EVENT)) return undefined;
  return [...new Set(projections.flatMap((p) => p.handles))];
}

/**
 * A read model kept from the events: what it handles, the tables it owns (rebuilt from the events
 * alone), how it applies a batch of recorded events in a transaction. Run inline (in the append's
 * transaction: its rows commit with the events or not at all) or by the daemon (behind the
 * appends), and rebuilt blue/green either way; two capabilities are optional.
 */
export interface Projection {
  readonly name: string;
  /** The event types it applies; the others never reach it. */
  readonly handles: readonly string[];
  /** Its tables in the `public` schema, which `apply` writes through unqualified names. */
  readonly tables: readonly string[];
  apply(tx: PoolClient, events: readonly RecordedEvent[], known?: StatesBefore): Promise<void>;
  /**
   * The same writes as one statement that becomes part of the append's own (see
   * `ProjectionStatement`), for events about to be recorded; null when it cannot do without
   * reading first. Offered, a single-event append is one statement and one round trip.
   */
  statement?(
    events: readonly PendingEvent[],
    known: StatesBefore | undefined,
    firstParameter: number,
  ): ProjectionStatement | null;
  /**
   * For a projection whose rows depend only on the order of events within each stream: a fresh
   * loader that fills its empty tables from the log read stream by stream, without reading them
   * back (they have no indexes yet) and in bulk. `pass` is the same object for every loader of one
   * rebuild pass, for loaders that share work to key it by.
   */
  loader?(pass: object): StreamLoader;
}
