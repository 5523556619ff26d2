import { Pool, PoolClient, QueryResultRow } from 'pg';
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
  PendingEvent,
  RecordedCommand,
  RecordedEvent,
  VerifyResult,
} from './event-store.types';
import {
  APPEND_PARAMETERS,
  PLAIN_APPEND,
  ProjectionStatement,
  STREAM_HEAD,
  appendStatement,
} from './append-statement';
import { eventHash } from './hash-chain';
import { inTransaction } from './transaction';
import { Upcaster, UpcasterRegistry } from './upcasters';

/** Anything that runs a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<Pool | PoolClient, 'query'>;

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

export interface EventStoreOptions {
  readonly upcasters?: readonly Upcaster[];
  readonly inlineProjections?: readonly InlineProjection[];
  /** What appends are recorded at (a Date holds milliseconds); never before the stream's head. */
  readonly clock?: () => Date;
}

/**
 * Positions and transaction ids leave as text (they exceed 2^53). The table is aliased `e` and
 * every ORDER BY names `e.` columns: an unqualified ORDER BY would sort by these text aliases,
 * putting transaction 10000 before 9999 and making a follower skip events.
 */
const EVENT_COLUMNS = `e.global_position::text AS global_position,
  e.transaction_id::text AS transaction_id, e.stream_id, e.stream_version, e.type,
  e.schema_version, e.data, e.metadata, e.recorded_at, e.hash`;

/** Where appends are announced to daemons in other processes. */
export const APPENDED_CHANNEL = 'tally_events';
/** At most one NOTIFY per window: each takes a database-wide lock at commit. */
const NOTIFY_WINDOW_MS = 50;
/** How often an append tries again after losing a race at 'any', or a clock behind the head. */
const MAX_RACES = 100;

const VERIFY_PAGE = 1000;
const MAX_BIGINT = 2n ** 63n - 1n;
const MAX_XID8 = 2n ** 64n - 1n;
const MAX_PAGE = 10_000;

interface EventRow extends QueryResultRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
  hash: string;
}

interface AppendRow extends QueryResultRow {
  head_version: number;
  head_recorded_at: Date | null;
  global_position: string | null;
  stream_version: number | null;
  transaction_id: string | null;
  hash: string | null;
}

/** One try at an append: what the caller asked, stamped with the time it is recorded at. */
interface Attempt {
  readonly streamId: string;
  readonly expected: ExpectedVersion;
  readonly events: readonly NewEvent[];
  readonly metadata: EventMetadata;
  readonly options: AppendOptions;
  readonly recordedAt: Date;
}

/** What a refused append's row says: the head it found, and no event. */
function emptyRow(headVersion: number, headRecordedAt: Date | null): AppendRow {
  return {
    head_version: headVersion,
    head_recorded_at: headRecordedAt,
    global_position: null,
    stream_version: null,
    transaction_id: null,
    hash: null,
  };
}

interface PgError {
  code?: string;
  constraint?: string;
}

/** Why an append wrote nothing; sorted out after the transaction has rolled back. */
class AppendRefused extends Error {
  constructor(
    readonly reason: 'version' | 'command' | 'clock',
    readonly headVersion?: number,
    readonly headRecordedAt?: Date | null,
  ) {
    super(`append refused: ${reason}`);
  }
}

/** A stored head that a verifier compares with the chain: a receipt kept outside the stream. */
export interface StreamHeadWitness {
  readonly version: number;
  readonly hash: string;
}

export class PostgresEventStore {
  private readonly upcasters: UpcasterRegistry;
  private readonly inlineProjections: readonly InlineProjection[];
  private readonly clock: () => Date;
  private readonly appendListeners = new Set<() => void>();
  private notifyTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: Pool,
    options: EventStoreOptions = {},
  ) {
    this.upcasters = new UpcasterRegistry(options.upcasters);
    this.inlineProjections = options.inlineProjections ?? [];
    this.clock = options.clock ?? (() => new Date());
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
        const result = await this.appendOnce(
          { streamId, expected, events, metadata, options, recordedAt },
          projections,
        );
        this.announce();
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
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
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
        options.toVersion ?? 2_147_483_647,
        options.recordedUpTo ?? null,
        options.limit ?? null,
      ],
    );
    return rows.map((row) => this.toRecorded(row));
  }

  /** What an idempotent command id appended, or null when it was never seen. */
  async findCommand(commandId: string): Promise<RecordedCommand | null> {
    const { rows } = await this.pool.query<RecordedCommand>(
      `SELECT stream_id AS "streamId", fingerprint, first_version AS "firstVersion",
              last_version AS "lastVersion"
         FROM commands WHERE command_id = $1`,
      [commandId],
    );
    return rows[0] ?? null;
  }

  /**
   * Keeps an idempotent command that appended nothing, decided on the stream at `version`, so
   * that a repeat gets the same answer whatever is appended in between. Returns the command as
   * kept: this one, or one with the same id kept first (the caller compares it with its own).
   */
  async recordUnchangedCommand(
    commandId: string,
    fingerprint: string | null,
    streamId: string,
    version: number,
  ): Promise<RecordedCommand> {
    await this.pool.query(
      `INSERT INTO commands (command_id, fingerprint, stream_id, first_version, last_version,
                             recorded_at)
       VALUES ($1, $2, $3, $4 + 1, $4, $5)
       ON CONFLICT (command_id) DO NOTHING`,
      [commandId, fingerprint, streamId, version, this.clock()],
    );
    const kept = await this.findCommand(commandId);
    if (!kept) throw new Error(`command ${commandId} was kept and then not found`);
    return kept;
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
        WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
          AND ($3::text[] IS NULL OR e.type = ANY($3))
        ORDER BY e.transaction_id, e.global_position
        LIMIT $4`,
      [after?.transactionId ?? '0', after?.globalPosition ?? '0', types ?? null, limit],
    );
    return rows.map((row) => this.toRecorded(row));
  }

  /** The checkpoint of the last event a reader can see now, or null for an empty store. */
  async head(): Promise<Checkpoint | null> {
    const { rows } = await this.pool.query<{ transaction_id: string; global_position: string }>(
      `SELECT e.transaction_id::text AS transaction_id, e.global_position::text AS global_position
         FROM events e WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
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
        WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          AND (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
          AND ($3::text[] IS NULL OR e.type = ANY($3))`,
      [after?.transactionId ?? '0', after?.globalPosition ?? '0', types ?? null],
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
    const limit = Math.min(Math.max(options.limit ?? 500, 1), MAX_PAGE);
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events e
        WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          AND (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
          AND ($3::text[] IS NULL OR e.type = ANY($3))
        ORDER BY e.transaction_id, e.global_position
        LIMIT $4`,
      [after?.transactionId ?? '0', after?.globalPosition ?? '0', options.types ?? null, limit],
    );
    const events = rows.map((row) => this.toRecorded(row));
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
    const limit = Math.min(Math.max(options.limit ?? 500, 1), MAX_PAGE);
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
        limit,
      ],
    );
    const events = rows.map((row) => this.toRecorded(row));
    const last = events[events.length - 1];
    return {
      events,
      position: last ? { streamId: last.streamId, streamVersion: last.streamVersion } : after,
    };
  }

  /**
   * Recomputes the stream's hash chain from the stored events and reports the first version that
   * does not hold. A `witness` (the head as recorded elsewhere: a read model, a receipt a client
   * kept) also catches events removed from the end, which the chain alone cannot show.
   */
  async verifyStream(streamId: string, witness?: StreamHeadWitness): Promise<VerifyResult> {
    let previousHash = '';
    let expectedVersion = 1;
    let witnessed: string | null = null;
    for (;;) {
      const { rows } = await this.pool.query<
        EventRow & { data_text: string; metadata_text: string }
      >(
        `SELECT stream_version, type, schema_version, data::text AS data_text,
                metadata::text AS metadata_text, recorded_at, hash
           FROM events WHERE stream_id = $1 AND stream_version >= $2
          ORDER BY stream_version LIMIT $3`,
        [streamId, expectedVersion, VERIFY_PAGE],
      );
      for (const row of rows) {
        if (row.stream_version !== expectedVersion) {
          return { valid: false, brokenAt: expectedVersion, reason: 'event missing' };
        }
        const recomputed = eventHash({
          previousHash,
          streamId,
          streamVersion: row.stream_version,
          type: row.type,
          schemaVersion: row.schema_version,
          dataText: row.data_text,
          metadataText: row.metadata_text,
          recordedAt: row.recorded_at,
        });
        if (recomputed !== row.hash) {
          return {
            valid: false,
            brokenAt: row.stream_version,
            reason: 'content does not match its hash',
          };
        }
        if (row.stream_version === witness?.version) witnessed = row.hash;
        previousHash = row.hash;
        expectedVersion += 1;
      }
      if (rows.length < VERIFY_PAGE) break;
    }
    const lastVersion = expectedVersion - 1;
    if (witness && witness.version > lastVersion) {
      return { valid: false, brokenAt: lastVersion + 1, reason: 'event missing' };
    }
    if (witness && witnessed !== witness.hash) {
      return { valid: false, brokenAt: witness.version, reason: 'chain head does not match' };
    }
    return { valid: true, version: lastVersion, head: previousHash || null };
  }

  /** The inline projections that handle any of these events. */
  private projectionsFor(events: readonly NewEvent[]): readonly InlineProjection[] {
    if (this.inlineProjections.length === 0) return [];
    return this.inlineProjections.filter((p) => events.some((e) => p.handles.includes(e.type)));
  }

  private appendOnce(
    attempt: Attempt,
    projections: readonly InlineProjection[],
  ): Promise<AppendResult> {
    const statements = this.projectionStatements(attempt, projections);
    if (statements) return this.appendEvents(this.pool, attempt, statements);
    return inTransaction(this.pool, async (tx) => {
      const appended = await this.appendEvents(tx, attempt);
      for (const projection of projections) {
        const handled = appended.events.filter((e) => projection.handles.includes(e.type));
        if (handled.length > 0) await projection.apply(tx, handled, attempt.options.known);
      }
      return appended;
    });
  }

  /**
   * The inline projections' statements for one event at a known version, numbered after the
   * append's parameters; null for several events, or when one of them has none to offer.
   */
  private projectionStatements(
    { streamId, expected, events, metadata, options, recordedAt }: Attempt,
    projections: readonly InlineProjection[],
  ): ProjectionStatement[] | null {
    if (events.length !== 1) return null;
    if (projections.length === 0) return [];
    if (expected === 'any') return null;
    const [event] = events;
    const pending: PendingEvent[] = [
      {
        streamId,
        streamVersion: (expected === 'no-stream' ? 0 : expected) + 1,
        type: event.type,
        schemaVersion: event.schemaVersion ?? 1,
        data: event.data,
        metadata,
        recordedAt,
      },
    ];
    const statements: ProjectionStatement[] = [];
    let next = APPEND_PARAMETERS + 1;
    for (const projection of projections) {
      const statement = projection.statement?.(pending, options.known, next) ?? null;
      if (!statement) return null;
      statements.push(statement);
      next += statement.values.length;
    }
    return statements;
  }

  /**
   * Each event in its own statement, chained on the version the one before it reached; the
   * projections' statements, given for a single event, run as parts of its statement.
   */
  private async appendEvents(
    db: Queryable,
    { streamId, expected, events, metadata, options, recordedAt }: Attempt,
    projections: readonly ProjectionStatement[] = [],
  ): Promise<AppendResult> {
    const metadataText = JSON.stringify(metadata);
    const recorded: RecordedEvent[] = [];
    let expectedVersion = expected === 'any' ? null : expected === 'no-stream' ? 0 : expected;
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      const last = i === events.length - 1;
      const schemaVersion = event.schemaVersion ?? 1;
      const commandId = last ? (options.commandId ?? null) : null;
      const values = [
        streamId,
        expectedVersion,
        event.type,
        schemaVersion,
        JSON.stringify(event.data),
        metadataText,
        recordedAt.toISOString(),
      ];
      let row: AppendRow | undefined;
      try {
        if (commandId === null && projections.length === 0) {
          ({
            rows: [row],
          } = await db.query<AppendRow>({ ...PLAIN_APPEND, values }));
          if (!row) {
            const { rows: heads } = await db.query<{ version: number; recorded_at: Date | null }>({
              ...STREAM_HEAD,
              values: [streamId],
            });
            row = emptyRow(heads[0].version, heads[0].recorded_at);
          }
        } else {
          ({
            rows: [row],
          } = await db.query<AppendRow>({
            ...appendStatement(projections),
            values: [
              ...values,
              commandId,
              last ? (options.fingerprint ?? null) : null,
              recorded[0]?.streamVersion ?? null,
              ...projections.flatMap((p) => p.values),
            ],
          }));
        }
      } catch (error) {
        const { code, constraint } = error as PgError;
        if (code === '23505' && constraint === 'events_stream_version_key') {
          throw new AppendRefused('version');
        }
        if (code === '23505' && constraint === 'commands_pkey') throw new AppendRefused('command');
        throw error;
      }
      if (row.stream_version === null) {
        const behind = expectedVersion === null || row.head_version === expectedVersion;
        throw new AppendRefused(
          behind ? 'clock' : 'version',
          row.head_version,
          row.head_recorded_at,
        );
      }
      recorded.push({
        globalPosition: row.global_position!,
        transactionId: row.transaction_id!,
        streamId,
        streamVersion: row.stream_version,
        type: event.type,
        schemaVersion,
        data: event.data,
        metadata,
        recordedAt,
        hash: row.hash!,
      });
      expectedVersion = row.stream_version;
    }
    return {
      streamId,
      nextVersion: recorded[recorded.length - 1].streamVersion,
      events: recorded,
      duplicate: false,
    };
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

  /**
   * Wakes this process's listeners at once, and daemons elsewhere through one NOTIFY per window,
   * sent after the append committed: a NOTIFY inside every append would serialise the commits.
   */
  private announce(): void {
    for (const listener of this.appendListeners) listener();
    if (this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = null;
      this.pool.query("SELECT pg_notify($1, '')", [APPENDED_CHANNEL]).catch(() => undefined);
    }, NOTIFY_WINDOW_MS);
    this.notifyTimer.unref();
  }

  private toRecorded(row: EventRow): RecordedEvent {
    const { schemaVersion, data } = this.upcasters.upcast(
      row.type,
      row.schema_version,
      row.data,
      row.metadata,
    );
    return {
      globalPosition: row.global_position,
      transactionId: row.transaction_id,
      streamId: row.stream_id,
      streamVersion: row.stream_version,
      type: row.type,
      schemaVersion,
      data,
      metadata: row.metadata,
      recordedAt: row.recorded_at,
      hash: row.hash,
    };
  }
}

/** Position tokens for clients: opaque strings that encode a checkpoint. */
export function encodeCheckpoint(checkpoint: Checkpoint): string {
  return `${checkpoint.transactionId}-${checkpoint.globalPosition}`;
}

/** The checkpoint a token stands for, or null when the token is malformed. */
export function decodeCheckpoint(token: string): Checkpoint | null {
  const match = /^(\d{1,20})-(\d{1,19})$/.exec(token);
  if (!match) return null;
  if (BigInt(match[1]) > MAX_XID8 || BigInt(match[2]) > MAX_BIGINT) return null;
  return {
    transactionId: BigInt(match[1]).toString(),
    globalPosition: BigInt(match[2]).toString(),
  };
}
