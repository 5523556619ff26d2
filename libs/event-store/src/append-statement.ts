import { createHash } from 'node:crypto';
import { PoolClient } from 'pg';
import { RecordedEvent } from './event-store.types';

/**
 * What an inline projection writes for events about to be appended, as one data-modifying SQL
 * statement (INSERT, UPDATE or DELETE, without a WITH of its own). It reads the rows the append
 * inserts from `appended` (APPENDED_COLUMNS), and its rows come from a join with it on
 * (stream_id, stream_version): when the append inserts nothing, it writes nothing.
 */
export interface ProjectionStatement {
  /**
   * The statement, or several that run as parts of one (they share `values`, and each sees the
   * tables as they were before the append, not the others' writes: they must not touch the same
   * rows).
   */
  readonly text: string | readonly string[];
  readonly values: readonly unknown[];
}

export const APPENDED_COLUMNS =
  'stream_id text, stream_version integer, recorded_at timestamptz, hash text';

/** Parameters of the append itself; a projection statement's parameters come after them. */
export const APPEND_PARAMETERS = 10;

/**
 * The stream's head: its last event's version, hash and recorded time (0, '' and NULL before
 * the first). $1 is the stream.
 */
const HEAD = `
  SELECT coalesce(l.stream_version, 0) AS version, coalesce(l.hash, '') AS hash, l.recorded_at
    FROM (SELECT 1) AS one LEFT JOIN LATERAL (
      SELECT e.stream_version, e.hash, e.recorded_at FROM events e WHERE e.stream_id = $1::text
       ORDER BY e.stream_version DESC LIMIT 1) l ON true`;

/**
 * One event after the head `h`. The unique (stream_id, stream_version) is what enforces
 * concurrency: of two appends that read the same head, the second waits for the first and then
 * fails on the key. The database's `events_guard` trigger computes the hash (SHA-256 over lines of
 * text: the previous hash, given here from the head and '' for the first event, stream id,
 * version, type, schema version, data and metadata as PostgreSQL's canonical jsonb text, and the
 * recorded time in ISO 8601 UTC with milliseconds; `eventHash` recomputes the same in Node) and
 * the transaction id: the appender cannot choose them. Nothing is inserted when the head is not the expected version, or when the
 * recorded time (the store's clock) would come before the head's.
 *
 * $1 stream, $2 expected version (NULL: any), $3 type, $4 schema version, $5 data, $6 metadata,
 * $7 recorded time.
 */
const insertEvent = (head: string) => `
  INSERT INTO events AS e (stream_id, stream_version, type, schema_version, data, metadata,
                           recorded_at, previous_hash)
  SELECT $1::text, h.version + 1, $3::text, $4::integer, $5::jsonb, $6::jsonb, $7::timestamptz,
         h.hash
    FROM ${head} h
   WHERE ($2::integer IS NULL OR h.version = $2::integer)
     AND (h.recorded_at IS NULL OR h.recorded_at <= $7::timestamptz)`;

/** An event and nothing else: no row when it was refused (`STREAM_HEAD` then says why). */
export const PLAIN_APPEND = {
  name: 'tally_append',
  text: `${insertEvent(`(${HEAD})`)}
  RETURNING e.global_position, e.stream_version, e.transaction_id, e.hash`,
};

/** The head alone, for a refused plain append. */
export const STREAM_HEAD = { name: 'tally_stream_head', text: HEAD };

/**
 * The event with its command ($8 command id, $9 fingerprint, $10 the command's first version
 * when it appended several) and whatever parts follow; its one row carries the head too, so
 * that a refusal says why.
 */
const APPEND_EVENT = `
  WITH head AS (${HEAD}
  ), appended AS (${insertEvent('head')}
    RETURNING e.global_position, e.stream_id, e.stream_version, e.transaction_id, e.recorded_at,
              e.hash
  ), command AS (
    INSERT INTO commands (command_id, fingerprint, stream_id, first_version, last_version,
                          recorded_at)
    SELECT $8::text, $9::text, $1::text, coalesce($10::integer, a.stream_version),
           a.stream_version, a.recorded_at
      FROM appended a WHERE $8::text IS NOT NULL
  )`;

const APPEND_RESULT = `
  SELECT h.version AS head_version, h.recorded_at AS head_recorded_at, a.global_position,
         a.stream_version, a.transaction_id, a.hash
    FROM head h LEFT JOIN appended a ON true`;

/**
 * The append statement, with the projections' statements as further parts of it: one statement,
 * so one round trip and one implicit transaction. Named after its text, so that each connection
 * prepares it once.
 */
export function appendStatement(projections: readonly ProjectionStatement[] = []): {
  name: string;
  text: string;
} {
  const texts = projections.flatMap((p) => partsOf(p));
  const key = texts.join('\0');
  let statement = composed.get(key);
  if (!statement) {
    const parts = texts.map((text, i) => `, inline_${i} AS (${text})`).join('');
    const text = `${APPEND_EVENT}${parts}${APPEND_RESULT}`;
    statement = { name: `tally_append_${statementId(text)}`, text };
    if (composed.size >= MAX_COMPOSED) composed.clear();
    composed.set(key, statement);
  }
  return statement;
}

/** Append statements composed so far, by their projections' texts (a handful in practice). */
const composed = new Map<string, { name: string; text: string }>();
const MAX_COMPOSED = 64;

/**
 * Runs a projection statement on its own, for events already recorded (a rebuild, a daemon, a
 * transaction of several events): `appended` is then those events. `build` receives the number
 * of its first parameter.
 */
export async function runProjectionStatement(
  tx: PoolClient,
  events: readonly RecordedEvent[],
  build: (firstParameter: number) => ProjectionStatement,
): Promise<void> {
  const statement = build(2);
  const parts = partsOf(statement);
  const text = `WITH appended AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS a(${APPENDED_COLUMNS}))
    ${parts
      .slice(0, -1)
      .map((part, i) => `, part_${i} AS (${part})`)
      .join('')}
    ${parts[parts.length - 1]}`;
  const appended = events.map((e) => ({
    stream_id: e.streamId,
    stream_version: e.streamVersion,
    recorded_at: e.recordedAt,
    hash: e.hash,
  }));
  await tx.query({
    name: `tally_project_${statementId(text)}`,
    text,
    values: [JSON.stringify(appended), ...statement.values],
  });
}

function partsOf(statement: ProjectionStatement): readonly string[] {
  return typeof statement.text === 'string' ? [statement.text] : statement.text;
}

function statementId(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
