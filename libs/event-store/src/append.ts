import { Pool, QueryResultRow } from 'pg';
import {
  APPEND_PARAMETERS,
  PLAIN_APPEND,
  ProjectionStatement,
  STREAM_HEAD,
  appendStatement,
} from './append-statement';
import {
  AppendOptions,
  AppendResult,
  EventMetadata,
  ExpectedVersion,
  NewEvent,
  PendingEvent,
  RecordedEvent,
} from './event-store.types';
import { Projection, handlesType } from './projection';
import { Queryable, inTransaction } from './transaction';

/*
 * One try at appending events to a stream: one statement (with the inline projections' writes in
 * it when each offers one) or a transaction of several, and why it wrote nothing when it did not.
 * The store's `append` decides what a refusal means (a race, a clock behind the head, a command
 * seen before).
 */

/** One try at an append: what the caller asked, stamped with the time it is recorded at. */
export interface Attempt {
  readonly streamId: string;
  readonly expected: ExpectedVersion;
  readonly events: readonly NewEvent[];
  readonly metadata: EventMetadata;
  readonly options: AppendOptions;
  readonly recordedAt: Date;
}

interface AppendRow extends QueryResultRow {
  head_version: number;
  head_recorded_at: Date | null;
  global_position: string | null;
  stream_version: number | null;
  transaction_id: string | null;
  hash: string | null;
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
export class AppendRefused extends Error {
  constructor(
    readonly reason: 'version' | 'command' | 'clock',
    readonly headVersion?: number,
    readonly headRecordedAt?: Date | null,
  ) {
    super(`append refused: ${reason}`);
  }
}

export function appendOnce(
  pool: Pool,
  attempt: Attempt,
  projections: readonly Projection[],
): Promise<AppendResult> {
  const statements = projectionStatements(attempt, projections);
  if (statements) return appendEvents(pool, attempt, statements);
  return inTransaction(pool, async (tx) => {
    const appended = await appendEvents(tx, attempt);
    for (const projection of projections) {
      const handled = appended.events.filter((e) => handlesType(projection, e.type));
      if (handled.length > 0) await projection.apply(tx, handled, attempt.options.known);
    }
    return appended;
  });
}

/**
 * The inline projections' statements for one event at a known version, numbered after the
 * append's parameters; null for several events, or when one of them has none to offer.
 */
function projectionStatements(
  { streamId, expected, events, metadata, options, recordedAt }: Attempt,
  projections: readonly Projection[],
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
async function appendEvents(
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
      throw new AppendRefused(behind ? 'clock' : 'version', row.head_version, row.head_recorded_at);
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
