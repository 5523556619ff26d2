import { Pool, PoolClient } from 'pg';
import { PostgresEventStore } from './event-store';
import { Checkpoint, RecordedEvent } from './event-store.types';

/** A projection that can be rebuilt from the events alone: it names the tables it owns. */
export interface RebuildableProjection {
  readonly name: string;
  readonly handles: readonly string[];
  /** Its tables in the `public` schema, which `apply` writes through unqualified names. */
  readonly tables: readonly string[];
  apply(tx: PoolClient, events: readonly RecordedEvent[]): Promise<void>;
}

export interface RebuildOptions {
  readonly batchSize?: number;
  /** Aborting stops the rebuild between batches; the live tables stay as they were. */
  readonly signal?: AbortSignal;
  /** True for a projection whose checkpoint lives in `projections` (an async one). */
  readonly async?: boolean;
}

export interface RebuildResult {
  readonly events: number;
  readonly checkpoint: Checkpoint | null;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Blue/green: builds the projection's tables afresh in a schema of their own from every event,
 * page by page (never the whole log in memory), then, with appends paused for a moment, catches
 * up to the head and moves the new tables into `public` in one transaction. Until that commit
 * the live tables keep answering and taking inline writes; a rebuild stopped before it leaves
 * them untouched, and the next rebuild starts over.
 */
export async function rebuildProjection(
  pool: Pool,
  store: PostgresEventStore,
  projection: RebuildableProjection,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  for (const name of [projection.name, ...projection.tables]) {
    if (!IDENTIFIER.test(name)) throw new Error(`not a plain identifier: ${name}`);
  }
  const batchSize = options.batchSize ?? 2000;
  const building = `rebuild_${projection.name}`;
  const retired = `retired_${projection.name}`;

  // The indexes that no constraint needs are built once the tables are full, not row by row.
  const deferred: string[] = [];
  await inTransaction(pool, async (tx) => {
    await tx.query(`DROP SCHEMA IF EXISTS ${building} CASCADE`);
    await tx.query(`CREATE SCHEMA ${building}`);
    for (const table of projection.tables) {
      await tx.query(`CREATE TABLE ${building}.${table} (LIKE public.${table} INCLUDING ALL)`);
      const { rows } = await tx.query<{ name: string; definition: string }>(
        `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
           FROM pg_index i
          WHERE i.indrelid = $1::regclass
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
        [`${building}.${table}`],
      );
      for (const { name, definition } of rows) {
        await tx.query(`DROP INDEX ${name}`);
        deferred.push(definition);
      }
    }
  });

  let checkpoint: Checkpoint | null = null;
  let applied = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    const page = await store.readAll({
      after: checkpoint,
      limit: batchSize,
      types: projection.handles,
    });
    if (page.events.length === 0) break;
    await inTransaction(pool, async (tx) => {
      await tx.query(`SET LOCAL search_path = ${building}, public`);
      await projection.apply(tx, page.events);
    });
    applied += page.events.length;
    checkpoint = page.checkpoint;
  }
  options.signal?.throwIfAborted();
  for (const definition of deferred) await pool.query(definition);

  await inTransaction(pool, async (tx) => {
    if (options.async) {
      await tx.query('SELECT 1 FROM projections WHERE name = $1 FOR UPDATE', [projection.name]);
    }
    // Appends wait here for a moment; every event already written has committed, so a plain
    // read now sees all that the paged reads did not.
    await tx.query('LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE');
    for (;;) {
      const rest = await store.readCommitted(tx, checkpoint, batchSize, projection.handles);
      if (rest.length === 0) break;
      await tx.query(`SET LOCAL search_path = ${building}, public`);
      await projection.apply(tx, rest);
      await tx.query('SET LOCAL search_path = public');
      applied += rest.length;
      const last = rest[rest.length - 1];
      checkpoint = { transactionId: last.transactionId, globalPosition: last.globalPosition };
    }
    await tx.query(`DROP SCHEMA IF EXISTS ${retired} CASCADE`);
    await tx.query(`CREATE SCHEMA ${retired}`);
    for (const table of projection.tables) {
      await tx.query(`ALTER TABLE public.${table} SET SCHEMA ${retired}`);
      await tx.query(`ALTER TABLE ${building}.${table} SET SCHEMA public`);
    }
    await tx.query(`DROP SCHEMA ${retired} CASCADE`);
    await tx.query(`DROP SCHEMA ${building}`);
    if (options.async) {
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

async function inTransaction(pool: Pool, work: (tx: PoolClient) => Promise<void>): Promise<void> {
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    await work(tx);
    await tx.query('COMMIT');
  } catch (error) {
    await tx.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    tx.release();
  }
}
