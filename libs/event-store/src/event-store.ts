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
  ReadStreamOptions,
  RecordedCommand,
  RecordedEvent,
  VerifyResult,
} from './event-store.types';
import { eventHash } from './hash-chain';
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
}

export interface EventStoreOptions {
  readonly upcasters?: readonly Upcaster[];
  readonly inlineProjections?: readonly InlineProjection[];
}

/**
 * Positions and transaction ids leave as text (they exceed 2^53). The table is aliased `e` and
 * every ORDER BY names `e.` columns: an unqualified ORDER BY would sort by these text aliases,
 * putting transaction 10000 before 9999 and making a follower skip events.
 */
const EVENT_COLUMNS = `e.global_position::text AS global_position,
  e.transaction_id::text AS transaction_id, e.stream_id, e.stream_version, e.type,
  e.schema_version, e.data, e.metadata, e.recorded_at, e.hash`;

/**
 * One event after the stream's head, in one statement. The unique (stream_id, stream_version)
 * is what enforces concurrency: of two appends that read the same head, the second waits for the
 * first and then fails on the key. The hash is SHA-256 over lines of text: the previous hash
 * ('' for the first event), stream id, version, type, schema version, data and metadata as
 * PostgreSQL's canonical jsonb text, and the recorded time (the database clock, milliseconds)
 * in ISO 8601 UTC; `eventHash` recomputes the same in Node. Without a match for the expected
 * version nothing is inserted and the row carries the head the stream is at.
 */
const APPEND_EVENT = `
  WITH last AS (
    SELECT e.stream_version, e.hash FROM events e WHERE e.stream_id = $1::text
     ORDER BY e.stream_version DESC LIMIT 1
  ), head AS (
    SELECT coalesce((SELECT stream_version FROM last), 0) AS version,
           coalesce((SELECT hash FROM last), '') AS hash,
           date_trunc('milliseconds', clock_timestamp()) AS now
  ), appended AS (
    INSERT INTO events AS e (stream_id, stream_version, type, schema_version, data, metadata,
                             recorded_at, hash)
    SELECT $1::text, h.version + 1, $3::text, $4::integer, $5::jsonb, $6::jsonb, h.now,
           encode(sha256(convert_to(concat_ws(E'\\n', h.hash, $1::text, (h.version + 1)::text,
             $3::text, $4::integer::text, $5::jsonb::text, $6::jsonb::text,
             to_char(h.now AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), 'UTF8')), 'hex')
      FROM head h WHERE $2::integer IS NULL OR h.version = $2::integer
    RETURNING e.global_position, e.stream_version, e.transaction_id, e.recorded_at, e.hash
  ), command AS (
    INSERT INTO commands (command_id, fingerprint, stream_id, first_version, last_version,
                          recorded_at)
    SELECT $7::text, $8::text, $1::text, coalesce($9::integer, a.stream_version),
           a.stream_version, a.recorded_at
      FROM appended a WHERE $7::text IS NOT NULL
  )
  SELECT h.version AS head_version, a.global_position::text AS global_position, a.stream_version,
         a.transaction_id::text AS transaction_id, a.recorded_at, a.hash
    FROM head h LEFT JOIN appended a ON true`;

/** Where appends are announced to daemons in other processes. */
export const APPENDED_CHANNEL = 'tally_events';
/** At most one NOTIFY per window: each takes a database-wide lock at commit. */
const NOTIFY_WINDOW_MS = 50;
/** Appends at 'any' retry a lost race on the head this many times. */
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
  global_position: string | null;
  stream_version: number | null;
  transaction_id: string | null;
  recorded_at: Date | null;
  hash: string | null;
}

interface PgError {
  code?: string;
  constraint?: string;
}

/** Why an append wrote nothing; sorted out after the transaction has rolled back. */
class AppendRefused extends Error {
  constructor(
    readonly reason: 'version' | 'command',
    readonly headVersion?: number,
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
  private readonly appendListeners = new Set<() => void>();
  private notifyTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: Pool,
    options: EventStoreOptions = {},
  ) {
    this.upcasters = new UpcasterRegistry(options.upcasters);
    this.inlineProjections = options.inlineProjections ?? [];
  }

  /**
   * Appends events to one stream, atomically. One event with no inline projection to feed is one
   * statement and one round trip; otherwise one transaction holds every event and the inline
   * projections' writes. With a command id that was appended before, nothing is written and the
   * first result comes back with `duplicate`.
   */
  async append(
    streamId: string,
    expected: ExpectedVersion,
    events: readonly NewEvent[],
    metadata: EventMetadata = {},
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const types = new Set(events.map((event) => event.type));
    const projections = this.inlineProjections.filter((p) => p.handles.some((t) => types.has(t)));
    for (let race = 1; ; race++) {
      try {
        const result =
          events.length === 1 && projections.length === 0
            ? await this.appendEvents(this.pool, streamId, expected, events, metadata, options)
            : await this.inTransaction(async (tx) => {
                const appended = await this.appendEvents(
                  tx,
                  streamId,
                  expected,
                  events,
                  metadata,
                  options,
                );
                for (const projection of projections) {
                  const handled = appended.events.filter((e) =>
                    projection.handles.includes(e.type),
                  );
                  if (handled.length > 0) await projection.apply(tx, handled, options.known);
                }
                return appended;
              });
        this.announce();
        return result;
      } catch (error) {
        if (!(error instanceof AppendRefused)) throw error;
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

  /** Each event in its own statement, chained on the version the one before it reached. */
  private async appendEvents(
    db: Queryable,
    streamId: string,
    expected: ExpectedVersion,
    events: readonly NewEvent[],
    metadata: EventMetadata,
    options: AppendOptions,
  ): Promise<AppendResult> {
    const metadataText = JSON.stringify(metadata);
    const recorded: RecordedEvent[] = [];
    let expectedVersion = expected === 'any' ? null : expected === 'no-stream' ? 0 : expected;
    for (const [i, event] of events.entries()) {
      const last = i === events.length - 1;
      const schemaVersion = event.schemaVersion ?? 1;
      let rows: AppendRow[];
      try {
        ({ rows } = await db.query<AppendRow>({
          name: 'tally_append_event',
          text: APPEND_EVENT,
          values: [
            streamId,
            expectedVersion,
            event.type,
            schemaVersion,
            JSON.stringify(event.data),
            metadataText,
            last ? (options.commandId ?? null) : null,
            last ? (options.fingerprint ?? null) : null,
            recorded[0]?.streamVersion ?? null,
          ],
        }));
      } catch (error) {
        const { code, constraint } = error as PgError;
        if (code === '23505' && constraint === 'events_stream_version_key') {
          throw new AppendRefused('version');
        }
        if (code === '23505' && constraint === 'commands_pkey') throw new AppendRefused('command');
        throw error;
      }
      const row = rows[0];
      if (row.stream_version === null) throw new AppendRefused('version', row.head_version);
      recorded.push({
        globalPosition: row.global_position!,
        transactionId: row.transaction_id!,
        streamId,
        streamVersion: row.stream_version,
        type: event.type,
        schemaVersion,
        data: event.data,
        metadata,
        recordedAt: row.recorded_at!,
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

  private async inTransaction<T>(work: (tx: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
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
