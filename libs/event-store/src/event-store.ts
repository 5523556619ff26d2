import { Pool } from 'pg';
import { AppendAnnouncer } from './append-announcer';
import { AppendRefused, appendOnce } from './append';
import { findCommand, keepUnchangedCommand, seenCommands } from './commands';
import {
  AFTER_CHECKPOINT,
  COMMITTED_BEFORE_ALL_RUNNING,
  checkpointParameters,
} from './checkpoints';
import { EVENT_COLUMNS, EventRow, pageLimit, toRecorded } from './event-rows';
import { CommandReplayMismatchError, StreamVersionConflictError } from './event-store.errors';
import {
  AppendOptions,
  AppendResult,
  Checkpoint,
  EventMetadata,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadAllResult,
  ReadByStreamOptions,
  ReadByStreamResult,
  ReadStreamOptions,
  RecordedCommand,
  RecordedEvent,
  VerifyResult,
} from './event-store.types';
import { Projection, handlesType } from './projection';
import { Queryable } from './transaction';
import { Upcaster, UpcasterRegistry } from './upcasters';
import { StreamHeadWitness, verifyStream } from './verify-stream';

export interface EventStoreOptions {
  readonly upcasters?: readonly Upcaster[];
  readonly inlineProjections?: readonly Projection[];
  /** What appends are recorded at (a Date holds milliseconds); never before the stream's head. */
  readonly clock?: () => Date;
}

/** How often an append tries again after losing a race at 'any', or a clock behind the head. */
const MAX_RACES = 100;
const MAX_VERSION = 2_147_483_647;

/**
 * The event store: appends (`append.ts` makes each try, this decides what a refusal means), reads
 * of a stream and of the log in commit order, verification of a stream's chain
 * (`verify-stream.ts`), and the wake-ups of the daemons.
 */
export class PostgresEventStore {
  private readonly upcasters: UpcasterRegistry;
  private readonly inlineProjections: readonly Projection[];
  private readonly clock: () => Date;
  private readonly announcer: AppendAnnouncer;

  constructor(
    private readonly pool: Pool,
    options: EventStoreOptions = {},
  ) {
    this.upcasters = new UpcasterRegistry(options.upcasters);
    this.inlineProjections = options.inlineProjections ?? [];
    this.clock = options.clock ?? (() => new Date());
    this.announcer = new AppendAnnouncer(pool);
  }

  /**
   * Appends events to one stream, atomically. One event is one statement and one round trip,
   * with the inline projections' writes in it when each offers a statement; otherwise one
   * transaction holds every event and the inline projections' writes. With a command id that was
   * appended before, nothing is written and the first result comes back with `duplicate`.
   */
  async append(
    streamId: string,
    expected: ExpectedVersion,
    events: readonly NewEvent[],
    metadata: EventMetadata = {},
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const projections = this.projectionsFor(events);
    let notBefore: Date | null = null;
    for (let race = 1; ; race++) {
      const now = this.clock();
      const recordedAt = notBefore && notBefore > now ? notBefore : now;
      try {
        const result = await appendOnce(
          this.pool,
          { streamId, expected, events, metadata, options, recordedAt },
          projections,
        );
        this.announcer.announce();
        return result;
      } catch (error) {
        if (!(error instanceof AppendRefused)) throw error;
        if (error.reason === 'clock') {
          // This clock is behind the stream's head: record at the head's time instead.
          notBefore = error.headRecordedAt ?? null;
        } else {
          if (options.commandId) {
            const earlier = await this.findCommand(options.commandId);
            if (earlier) return this.replayCommand(streamId, options, earlier);
          }
          if (error.reason === 'version' && expected !== 'any') {
            throw new StreamVersionConflictError(
              streamId,
              expected,
              error.headVersion ?? (await this.streamVersion(streamId)),
            );
          }
        }
        if (race >= MAX_RACES) throw new Error(`stream ${streamId}: ${race} appends lost the race`);
      }
    }
  }

  /** Calls `listener` after every append through this store commits. */
  onAppended(listener: () => void): () => void {
    return this.announcer.listen(listener);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events e
        WHERE e.stream_id = $1 AND e.stream_version >= $2 AND e.stream_version <= $3
          AND ($4::timestamptz IS NULL OR e.recorded_at <= $4)
        ORDER BY e.stream_version
        LIMIT $5`,
      [
        streamId,
        options.fromVersion ?? 1,
        options.toVersion ?? MAX_VERSION,
        options.recordedUpTo ?? null,
        options.limit ?? null,
      ],
    );
    return rows.map((row) => toRecorded(row, this.upcasters));
  }

  /** What an idempotent command id appended, or null when it was never seen. */
  findCommand(commandId: string): Promise<RecordedCommand | null> {
    return findCommand(this.pool, commandId);
  }

  /** Which of these idempotent command ids were seen. */
  seenCommands(commandIds: readonly string[]): Promise<Set<string>> {
    return seenCommands(this.pool, commandIds);
  }

  /**
   * Keeps an idempotent command that appended nothing at `version`, so that a repeat answers the
   * same whatever comes after; returns it as kept (this one, or the one kept first with its id).
   */
  recordUnchangedCommand(
    commandId: string,
    fingerprint: string | null,
    streamId: string,
    version: number,
  ): Promise<RecordedCommand> {
    return keepUnchangedCommand(
      this.pool,
      { commandId, fingerprint, streamId, version },
      this.clock(),
    );
  }

  /**
   * Events after a checkpoint read through `db` without the xmin gate: only for a caller that
   * holds a lock on `events` that no appender can share, so every event written has committed.
   */
  async readCommitted(
    db: Queryable,
    after: Checkpoint | null,
    limit: number,
    types?: readonly string[],
  ): Promise<RecordedEvent[]> {
    const { rows } = await db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events e
        WHERE ${AFTER_CHECKPOINT} AND ($3::text[] IS NULL OR e.type = ANY($3))
        ORDER BY e.transaction_id, e.global_position
        LIMIT $4`,
      [...checkpointParameters(after), types ?? null, limit],
    );
    return rows.map((row) => toRecorded(row, this.upcasters));
  }

  /** The checkpoint of the last event a reader can see now, or null for an empty store. */
  async head(): Promise<Checkpoint | null> {
    const { rows } = await this.pool.query<{ transaction_id: string; global_position: string }>(
      `SELECT e.transaction_id::text AS transaction_id, e.global_position::text AS global_position
         FROM events e WHERE ${COMMITTED_BEFORE_ALL_RUNNING}
        ORDER BY e.transaction_id DESC, e.global_position DESC LIMIT 1`,
    );
    return rows[0]
      ? { transactionId: rows[0].transaction_id, globalPosition: rows[0].global_position }
      : null;
  }

  /** How many committed events of these types come after a checkpoint (a projection's lag). */
  async countAfter(after: Checkpoint | null, types?: readonly string[]): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM events e
        WHERE ${COMMITTED_BEFORE_ALL_RUNNING} AND ${AFTER_CHECKPOINT}
          AND ($3::text[] IS NULL OR e.type = ANY($3))`,
      [...checkpointParameters(after), types ?? null],
    );
    return Number(rows[0].n);
  }

  /** The stream's current version; 0 when it does not exist. */
  async streamVersion(streamId: string): Promise<number> {
    const { rows } = await this.pool.query<{ version: number | null }>(
      'SELECT max(stream_version) AS version FROM events WHERE stream_id = $1',
      [streamId],
    );
    return rows[0]?.version ?? 0;
  }

  /**
   * Events of all streams in commit order after a checkpoint. Only transactions older than every
   * transaction still running are read, so an event that commits late is never skipped: it
   * appears after the events that committed before it became visible, not among them.
   */
  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    const after = options.after ?? null;
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events e
        WHERE ${COMMITTED_BEFORE_ALL_RUNNING} AND ${AFTER_CHECKPOINT}
          AND ($3::text[] IS NULL OR e.type = ANY($3))
        ORDER BY e.transaction_id, e.global_position
        LIMIT $4`,
      [...checkpointParameters(after), options.types ?? null, pageLimit(options.limit)],
    );
    const events = rows.map((row) => toRecorded(row, this.upcasters));
    const last = events[events.length - 1];
    return {
      events,
      checkpoint: last
        ? { transactionId: last.transactionId, globalPosition: last.globalPosition }
        : after,
    };
  }

  /**
   * Events up to a checkpoint, stream by stream: each stream's events in version order, streams
   * in the order of their ids (a rebuild's bulk fill, for projections that depend only on the
   * order within each stream). `upTo` is a head the caller read (`head()`): every event at or
   * before it had committed then, so the pages of one pass read a fixed set.
   */
  async readByStream(options: ReadByStreamOptions): Promise<ReadByStreamResult> {
    const after = options.after ?? { streamId: '', streamVersion: 0 };
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events e
        WHERE (e.stream_id, e.stream_version) > ($1::text, $2::integer)
          AND (e.transaction_id, e.global_position) <= ($3::xid8, $4::bigint)
          AND ($5::text[] IS NULL OR e.type = ANY($5))
        ORDER BY e.stream_id, e.stream_version
        LIMIT $6`,
      [
        after.streamId,
        after.streamVersion,
        options.upTo.transactionId,
        options.upTo.globalPosition,
        options.types ?? null,
        pageLimit(options.limit),
      ],
    );
    const events = rows.map((row) => toRecorded(row, this.upcasters));
    const last = events[events.length - 1];
    return {
      events,
      position: last ? { streamId: last.streamId, streamVersion: last.streamVersion } : after,
    };
  }

  /** See `verifyStream`. */
  verifyStream(streamId: string, witness?: StreamHeadWitness): Promise<VerifyResult> {
    return verifyStream(this.pool, streamId, witness);
  }

  /** The inline projections that handle any of these events. */
  private projectionsFor(events: readonly NewEvent[]): readonly Projection[] {
    if (this.inlineProjections.length === 0) return [];
    return this.inlineProjections.filter((p) => events.some((e) => handlesType(p, e.type)));
  }

  /** The first result of a command appended before, or a refusal when it said something else. */
  private async replayCommand(
    streamId: string,
    options: AppendOptions,
    earlier: RecordedCommand,
  ): Promise<AppendResult> {
    if (earlier.streamId !== streamId || earlier.fingerprint !== (options.fingerprint ?? null)) {
      throw new CommandReplayMismatchError(options.commandId ?? '');
    }
    const events = await this.readStream(streamId, {
      fromVersion: earlier.firstVersion,
      toVersion: earlier.lastVersion,
    });
    return { streamId, nextVersion: earlier.lastVersion, events, duplicate: true };
  }
}
