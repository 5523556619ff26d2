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
  apply(tx: PoolClient, events: readonly RecordedEvent[]): Promise<void>;
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
  global_position: string;
  stream_version: number;
  transaction_id: string;
  recorded_at: Date;
  hash: string;
  duplicate: boolean;
}

interface PgError {
  code?: string;
  detail?: string;
}

export class PostgresEventStore {
  private readonly upcasters: UpcasterRegistry;
  private readonly inlineProjections: readonly InlineProjection[];

  constructor(
    private readonly pool: Pool,
    options: EventStoreOptions = {},
  ) {
    this.upcasters = new UpcasterRegistry(options.upcasters);
    this.inlineProjections = options.inlineProjections ?? [];
  }

  /**
   * Appends events to one stream in one transaction and one round trip (plus the inline
   * projections' writes, in the same transaction, when any handles these event types).
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
    if (projections.length === 0) {
      return this.appendWith(this.pool, streamId, expected, events, metadata, options);
    }
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await this.appendWith(client, streamId, expected, events, metadata, options);
      if (!result.duplicate) {
        for (const projection of projections) {
          const handled = result.events.filter((e) => projection.handles.includes(e.type));
          if (handled.length > 0) await projection.apply(client, handled);
        }
      }
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
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
    const { rows } = await this.pool.query<{ version: number }>(
      'SELECT version FROM streams WHERE stream_id = $1',
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
   * Recomputes the stream's hash chain from the stored events and compares it with the stream's
   * recorded head; reports the first version that does not hold.
   */
  async verifyStream(streamId: string): Promise<VerifyResult> {
    const { rows: heads } = await this.pool.query<{ version: number; head_hash: string }>(
      'SELECT version, head_hash FROM streams WHERE stream_id = $1',
      [streamId],
    );
    const head = heads[0];
    let previousHash = '';
    let expectedVersion = 1;
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
        previousHash = row.hash;
        expectedVersion += 1;
      }
      if (rows.length < VERIFY_PAGE) break;
    }
    const lastVersion = expectedVersion - 1;
    const recordedVersion = head?.version ?? 0;
    if (recordedVersion > lastVersion) {
      return { valid: false, brokenAt: lastVersion + 1, reason: 'event missing' };
    }
    if (head && head.head_hash !== previousHash) {
      return { valid: false, brokenAt: lastVersion, reason: 'chain head does not match' };
    }
    return { valid: true, version: lastVersion, head: previousHash || null };
  }

  private async appendWith(
    db: Queryable,
    streamId: string,
    expected: ExpectedVersion,
    events: readonly NewEvent[],
    metadata: EventMetadata,
    options: AppendOptions,
  ): Promise<AppendResult> {
    const payload = events.map((event) => ({
      type: event.type,
      schemaVersion: event.schemaVersion ?? 1,
      data: event.data,
    }));
    const expectedVersion = expected === 'any' ? null : expected === 'no-stream' ? 0 : expected;
    let rows: AppendRow[];
    try {
      ({ rows } = await db.query<AppendRow>(
        `SELECT global_position::text AS global_position, stream_version,
                transaction_id::text AS transaction_id, recorded_at, hash, duplicate
           FROM append_to_stream($1, $2, $3, $4, $5, $6)`,
        [
          streamId,
          expectedVersion,
          JSON.stringify(payload),
          JSON.stringify(metadata),
          options.commandId ?? null,
          options.fingerprint ?? null,
        ],
      ));
    } catch (error) {
      throw this.translate(error, streamId, expected, options);
    }
    if (rows[0]?.duplicate) {
      const first = rows[0].stream_version;
      const last = rows[rows.length - 1].stream_version;
      const recorded = await this.readStream(streamId, { fromVersion: first, toVersion: last });
      return { streamId, nextVersion: last, events: recorded, duplicate: true };
    }
    const recorded = rows.map((row, i) => ({
      globalPosition: row.global_position,
      transactionId: row.transaction_id,
      streamId,
      streamVersion: row.stream_version,
      type: payload[i].type,
      schemaVersion: payload[i].schemaVersion,
      data: payload[i].data,
      metadata,
      recordedAt: row.recorded_at,
      hash: row.hash,
    }));
    return {
      streamId,
      nextVersion: recorded[recorded.length - 1].streamVersion,
      events: recorded,
      duplicate: false,
    };
  }

  private translate(
    error: unknown,
    streamId: string,
    expected: ExpectedVersion,
    options: AppendOptions,
  ): unknown {
    const pgError = error as PgError;
    if (pgError.code === 'TA409' && expected !== 'any') {
      return new StreamVersionConflictError(streamId, expected, Number(pgError.detail));
    }
    if (pgError.code === 'TA422' || (pgError.code === '23505' && options.commandId)) {
      return new CommandReplayMismatchError(options.commandId ?? '');
    }
    return error;
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
