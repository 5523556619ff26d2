import { PoolClient } from 'pg';
import { ProjectionStatement } from './append-statement';
import { PendingEvent, RecordedEvent } from './event-store.types';

/**
 * A projection applied in the append transaction: its rows commit with the events or not at all.
 */
export interface InlineProjection {
  readonly name: string;
  readonly handles: readonly string[];
  /** The tables it owns, when it can be rebuilt from the events. */
  readonly tables?: readonly string[];
  /**
   * `known`: what the appender knew of the streams before these events (the snapshot its command
   * decided on), as given in `AppendOptions.known`; a projection may use it instead of reading
   * its own rows again, once it has checked that it is the state just before the events.
   */
  apply(tx: PoolClient, events: readonly RecordedEvent[], known?: unknown): Promise<void>;
  /**
   * The same writes as one statement that becomes part of the append's own (see
   * `ProjectionStatement`), for events about to be recorded; null when it cannot do without
   * reading first. Offered, a single-event append is one statement and one round trip.
   */
  statement?(
    events: readonly PendingEvent[],
    known: unknown,
    firstParameter: number,
  ): ProjectionStatement | null;
}
