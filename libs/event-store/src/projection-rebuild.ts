import { Projection, typesOf } from './projection';
import { fillStreamByStream, handledBy } from './rebuild-fill';
import { indexesOf, keepRights, withSearchPath } from './rebuild-tables';
import { randomBytes } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import { PostgresEventStore } from './event-store';
import { RebuildInProgressError } from './event-store.errors';
import { Checkpoint, ReadAllResult, RecordedEvent } from './event-store.types';
import { assertPlainIdentifier } from './sql-identifier';
import { inTransaction } from './transaction';

/** Fills a projection's fresh tables during one rebuild; see `rebuildProjections`. */
export interface StreamLoader {
  /**
   * Prepares the writes of a page of events in stream order (each stream's events in version
   * order, one stream after another; the first stream may continue the last one of the page
   * before). The rebuild runs them while it prepares the next page, and may run the writes of
   * two pages at once: one page's writes must not depend on another's.
   */
  load(events: readonly RecordedEvent[]): LoaderWrite;
  /**
   * After the last page, once every page's writes have committed: writes whatever it held back
   * for a stream that might have gone on, or what needs all the rows written.
   */
  finish(): LoaderWrite;
}

/** What a loader writes for a page, run in a transaction on the projection's building tables. */
export type LoaderWrite = (tx: PoolClient) => Promise<void>;

export interface RebuildTarget {
  readonly projection: Projection;
  /** True for a projection whose checkpoint lives in `projections` (an async one). */
  readonly async?: boolean;
}

export interface RebuildOptions {
  readonly batchSize?: number;
  /** Aborting stops the rebuild between batches; the live tables stay as they were. */
  readonly signal?: AbortSignal;
  /** Called once the rebuild holds the lock, so that a caller may answer before it ends. */
  readonly onStarted?: () => void;
}

/** Arbitrary but fixed: one rebuild at a time across every process on the database. */
const REBUILD_LOCK = 7_461_637_002;
/** What a run names its schemas: `rebuild_<projection>_<run>`, `retired_<projection>_<run>`. */
const RUN_SCHEMA = '^(rebuild|retired)_[a-z0-9_]+$';

export interface RebuildResult {
  /** How many events of the log the rebuild read (those some projection handles). */
  readonly events: number;
  readonly checkpoint: Checkpoint | null;
}

/**
 * Blue/green: builds the projections' tables afresh, each in a schema of its own for this run,
 * from every event, page by page (never the whole log in memory): each page is read once, while the one
 * before it is applied, and applied to every projection at once, each in its own transaction.
 * When every projection has a `loader`, the log up to its head is read stream by stream and
 * loaded into tables with no index at all, which are built once full; otherwise it is read in
 * commit order and applied with the projections' own `apply`.
 * Then, with appends paused for a moment, it catches up to the head and moves the new tables into
 * `public` in one transaction, with the live tables' index and constraint names, owner and grants.
 * Until that commit the live tables keep answering and taking inline writes; a rebuild stopped
 * before it leaves them untouched, and the next one starts over.
 *
 * One rebuild runs at a time on a database: it holds an advisory lock from start to end, and a
 * second one, from this process or another, fails at once with `RebuildInProgressError`. `pool`
 * must be the owner's (it creates schemas and moves tables), with no statement timeout.
 */
export async function rebuildProjections(
  pool: Pool,
  store: PostgresEventStore,
  targets: readonly RebuildTarget[],
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  for (const { projection } of targets) {
    for (const name of [projection.name, ...projection.tables]) {
      assertPlainIdentifier(name);
    }
  }
  const lock = await pool.connect();
  try {
    const { rows } = await lock.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1) AS locked',
      [REBUILD_LOCK],
    );
    if (!rows[0].locked) throw new RebuildInProgressError();
  } catch (error) {
    lock.release();
    throw error;
  }
  const run = randomBytes(4).toString('hex');
  try {
    options.onStarted?.();
    // Whatever an earlier run left when it was stopped: no other run can be using it now.
    const { rows: left } = await lock.query<{ schema: string }>(
      'SELECT nspname AS schema FROM pg_namespace WHERE nspname ~ $1',
      [RUN_SCHEMA],
    );
    for (const { schema } of left) await lock.query(`DROP SCHEMA ${schema} CASCADE`);
    return await rebuildRun(pool, store, targets, options, run);
  } catch (error) {
    for (const { projection } of targets) {
      await lock
        .query(`DROP SCHEMA IF EXISTS rebuild_${projection.name}_${run} CASCADE`)
        .catch(() => undefined);
    }
    throw error;
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [REBUILD_LOCK]).catch(() => undefined);
    lock.release();
  }
}

async function rebuildRun(
  pool: Pool,
  store: PostgresEventStore,
  targets: readonly RebuildTarget[],
  options: RebuildOptions,
  run: string,
): Promise<RebuildResult> {
  const batchSize = options.batchSize ?? 2000;
  const types = typesOf(targets.map((t) => t.projection));
  const building = (p: Projection) => `rebuild_${p.name}_${run}`;
  const pass = {};
  const loaders = targets.every((t) => t.projection.loader)
    ? new Map(targets.map(({ projection }) => [projection, projection.loader!(pass)]))
    : null;

  // Indexes are built once the tables are full, not row by row: those no constraint needs
  // always, those of keys too when nothing reads the tables while they fill.
  // The live tables' indexes and constraints, under their own names, on the building copies:
  // built once the tables are full, not row by row (those of keys at once when the projection
  // reads its rows while they fill).
  const deferred: string[] = [];
  await inTransaction(pool, async (tx) => {
    for (const { projection } of targets) {
      await tx.query(`CREATE SCHEMA ${building(projection)}`);
      for (const table of projection.tables) {
        const copy = `${building(projection)}.${table}`;
        await tx.query(
          `CREATE TABLE ${copy} (LIKE public.${table} INCLUDING ALL EXCLUDING INDEXES)`,
        );
        for (const index of await indexesOf(tx, `public.${table}`, copy)) {
          if (loaders === null && index.constraint) await tx.query(index.definition);
          else deferred.push(index.definition);
        }
      }
    }
  });

  // The search path goes with the transaction: one round trip with its BEGIN. It holds this run's
  // schema alone, so that a projection's unqualified names resolve there and nowhere else: never
  // to a live table. Nothing depends on a building table until the swap, whose commit is
  // synchronous and so flushes every page written before it: a page's commit need not wait for
  // the disk.
  const inBuilding = (projection: Projection, work: LoaderWrite) =>
    inTransaction(
      pool,
      work,
      `SET LOCAL search_path = ${building(projection)}; SET LOCAL synchronous_commit = off`,
    );
  const applyTo = (tx: PoolClient, projection: Projection, events: RecordedEvent[]) =>
    withSearchPath(tx, building(projection), () => projection.apply(tx, events));

  let checkpoint: Checkpoint | null = null;
  let applied = 0;
  if (loaders) {
    checkpoint = await store.head();
    if (checkpoint) {
      applied = await fillStreamByStream(store, checkpoint, targets, loaders, {
        batchSize,
        types,
        signal: options.signal,
        run: inBuilding,
      });
    }
  } else {
    const read = (after: Checkpoint | null) => store.readAll({ after, limit: batchSize, types });
    let next: Promise<ReadAllResult> = read(null);
    try {
      for (;;) {
        options.signal?.throwIfAborted();
        const page = await next;
        if (page.events.length === 0) break;
        next = read(page.checkpoint);
        await Promise.all(
          targets.map(({ projection }) => {
            const events = handledBy(projection, page.events);
            return (
              events.length > 0 && inBuilding(projection, (tx) => projection.apply(tx, events))
            );
          }),
        );
        applied += page.events.length;
        checkpoint = page.checkpoint;
      }
    } finally {
      await next.catch(() => undefined);
    }
  }
  options.signal?.throwIfAborted();
  await Promise.all(deferred.map((definition) => pool.query(definition)));

  await inTransaction(pool, async (tx) => {
    for (const { projection } of targets.filter((t) => t.async)) {
      await tx.query('SELECT 1 FROM projections WHERE name = $1 FOR UPDATE', [projection.name]);
    }
    // Appends wait here for a moment; every event already written has committed, so a plain
    // read now sees all that the paged reads did not.
    await tx.query('LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE');
    for (;;) {
      const rest = await store.readCommitted(tx, checkpoint, batchSize, types);
      if (rest.length === 0) break;
      for (const { projection } of targets) {
        const events = handledBy(projection, rest);
        if (events.length > 0) await applyTo(tx, projection, events);
      }
      applied += rest.length;
      const last = rest[rest.length - 1];
      checkpoint = { transactionId: last.transactionId, globalPosition: last.globalPosition };
    }
    for (const { projection } of targets) {
      const retired = `retired_${projection.name}_${run}`;
      await tx.query(`CREATE SCHEMA ${retired}`);
      for (const table of projection.tables) {
        await tx.query(`ALTER TABLE public.${table} SET SCHEMA ${retired}`);
        await tx.query(`ALTER TABLE ${building(projection)}.${table} SET SCHEMA public`);
        await keepRights(tx, `${retired}.${table}`, `public.${table}`);
      }
      await tx.query(`DROP SCHEMA ${retired} CASCADE`);
      await tx.query(`DROP SCHEMA ${building(projection)}`);
    }
    for (const { projection } of targets.filter((t) => t.async)) {
      await tx.query(
        `UPDATE projections SET transaction_id = $2::xid8, global_position = $3,
                status = 'running', error = NULL, failed_position = NULL, updated_at = now()
          WHERE name = $1`,
        [projection.name, checkpoint?.transactionId ?? '0', checkpoint?.globalPosition ?? '0'],
      );
    }
  });
  return { events: applied, checkpoint };
}
