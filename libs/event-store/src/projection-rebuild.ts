import { Pool, PoolClient } from 'pg';
import { PostgresEventStore } from './event-store';
import { Checkpoint, ReadAllResult, RecordedEvent } from './event-store.types';
import { inTransaction } from './transaction';

/** A projection that can be rebuilt from the events alone: it names the tables it owns. */
export interface RebuildableProjection {
  readonly name: string;
  readonly handles: readonly string[];
  /** Its tables in the `public` schema, which `apply` writes through unqualified names. */
  readonly tables: readonly string[];
  apply(tx: PoolClient, events: readonly RecordedEvent[]): Promise<void>;
}

export interface RebuildTarget {
  readonly projection: RebuildableProjection;
  /** True for a projection whose checkpoint lives in `projections` (an async one). */
  readonly async?: boolean;
}

export interface RebuildOptions {
  readonly batchSize?: number;
  /** Aborting stops the rebuild between batches; the live tables stay as they were. */
  readonly signal?: AbortSignal;
  /** True for a projection whose checkpoint lives in `projections` (an async one). */
  readonly async?: boolean;
}

export interface RebuildResult {
  /** How many events of the log the rebuild read (those some projection handles). */
  readonly events: number;
  readonly checkpoint: Checkpoint | null;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Rebuilds one projection; see `rebuildProjections`. */
export function rebuildProjection(
  pool: Pool,
  store: PostgresEventStore,
  projection: RebuildableProjection,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  return rebuildProjections(pool, store, [{ projection, async: options.async }], options);
}

/**
 * Blue/green: builds the projections' tables afresh, each in a schema of its own, from every
 * event, page by page (never the whole log in memory): each page is read once, while the one
 * before it is applied, and applied to every projection at once, each in its own transaction.
 * Then, with appends paused for a moment, it catches up to the head and moves the new tables into
 * `public` in one transaction. Until that commit the live tables keep answering and taking
 * inline writes; a rebuild stopped before it leaves them untouched, and the next one starts over.
 */
export async function rebuildProjections(
  pool: Pool,
  store: PostgresEventStore,
  targets: readonly RebuildTarget[],
  options: Omit<RebuildOptions, 'async'> = {},
): Promise<RebuildResult> {
  for (const { projection } of targets) {
    for (const name of [projection.name, ...projection.tables]) {
      if (!IDENTIFIER.test(name)) throw new Error(`not a plain identifier: ${name}`);
    }
  }
  const batchSize = options.batchSize ?? 2000;
  const types = [...new Set(targets.flatMap((t) => t.projection.handles))];
  const building = (p: RebuildableProjection) => `rebuild_${p.name}`;

  // The indexes that no constraint needs are built once the tables are full, not row by row.
  const deferred: string[] = [];
  await inTransaction(pool, async (tx) => {
    for (const { projection } of targets) {
      await tx.query(`DROP SCHEMA IF EXISTS ${building(projection)} CASCADE`);
      await tx.query(`CREATE SCHEMA ${building(projection)}`);
      for (const table of projection.tables) {
        const copy = `${building(projection)}.${table}`;
        await tx.query(`CREATE TABLE ${copy} (LIKE public.${table} INCLUDING ALL)`);
        deferred.push(...(await dropIndexesWithoutConstraint(tx, copy)));
      }
    }
  });

  const handledBy = (projection: RebuildableProjection, events: readonly RecordedEvent[]) =>
    events.filter((e) => projection.handles.includes(e.type));
  const applyTo = (tx: PoolClient, projection: RebuildableProjection, events: RecordedEvent[]) =>
    withSearchPath(tx, building(projection), () => projection.apply(tx, events));

  let checkpoint: Checkpoint | null = null;
  let applied = 0;
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
          return events.length > 0 && inTransaction(pool, (tx) => applyTo(tx, projection, events));
        }),
      );
      applied += page.events.length;
      checkpoint = page.checkpoint;
    }
  } finally {
    await next.catch(() => undefined);
  }
  options.signal?.throwIfAborted();
  for (const definition of deferred) await pool.query(definition);

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
      const retired = `retired_${projection.name}`;
      await tx.query(`DROP SCHEMA IF EXISTS ${retired} CASCADE`);
      await tx.query(`CREATE SCHEMA ${retired}`);
      for (const table of projection.tables) {
        await tx.query(`ALTER TABLE public.${table} SET SCHEMA ${retired}`);
        await tx.query(`ALTER TABLE ${building(projection)}.${table} SET SCHEMA public`);
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

/** Drops the table's indexes that back no constraint; returns how to build them again. */
async function dropIndexesWithoutConstraint(tx: PoolClient, table: string): Promise<string[]> {
  const { rows } = await tx.query<{ name: string; definition: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i
      WHERE i.indrelid = $1::regclass
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
    [table],
  );
  for (const { name } of rows) await tx.query(`DROP INDEX ${name}`);
  return rows.map((row) => row.definition);
}

/** Runs `work` with the projection's unqualified table names resolving to its building copy. */
async function withSearchPath(
  tx: PoolClient,
  schema: string,
  work: () => Promise<void>,
): Promise<void> {
  await tx.query(`SET LOCAL search_path = ${schema}, public`);
  await work();
  await tx.query('SET LOCAL search_path = public');
}
