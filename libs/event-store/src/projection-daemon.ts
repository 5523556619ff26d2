import { createHash } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import { APPENDED_CHANNEL, PostgresEventStore, encodeCheckpoint } from './event-store';
import { Checkpoint, RecordedEvent } from './event-store.types';
import { inTransaction } from './transaction';

/** A projection kept up to date behind the appends, by one daemon across all instances. */
export interface AsyncProjection {
  readonly name: string;
  readonly handles: readonly string[];
  readonly tables?: readonly string[];
  apply(tx: PoolClient, events: readonly RecordedEvent[]): Promise<void>;
}

export type ProjectionStatus = 'running' | 'error' | 'stopped';

export interface ProjectionState {
  readonly name: string;
  readonly position: string | null;
  readonly status: ProjectionStatus;
  readonly error: string | null;
  readonly failedPosition: string | null;
}

export interface DaemonOptions {
  /** How often to poll when no notification arrives, and to try for a lock held elsewhere. */
  readonly pollMs?: number;
  readonly batchSize?: number;
  /** How long after an append the daemon waits for more, so that a busy log is read in batches. */
  readonly settleMs?: number;
}

/** The advisory lock key of a projection: the same in every instance. */
export function projectionLockKey(name: string): string {
  return createHash('sha256').update(`projection:${name}`).digest().readBigInt64BE(0).toString();
}

/**
 * Runs async projections. Each projection runs in at most one daemon across all instances: the
 * one holding its advisory lock on a dedicated connection; when that connection dies the lock
 * goes with it and another daemon takes over at its next poll. Events are read behind the
 * snapshot's xmin, so none is skipped; the checkpoint is written in the transaction of the rows
 * it covers, so none is applied twice. An event a projection cannot apply stops it in `error`
 * at that event until `resume`.
 */
export class ProjectionDaemon {
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly settleMs: number;
  private settleTimer: NodeJS.Timeout | null = null;
  /** Counts wake-ups, so that one arriving while a loop was busy is not slept through. */
  private wakes = 0;
  private readonly loops = new Map<string, Promise<void>>();
  private readonly holders = new Map<string, PoolClient>();
  private readonly wakers = new Set<() => void>();
  private listener: PoolClient | null = null;
  private unsubscribe: (() => void) | null = null;
  private stopped = true;

  constructor(
    private readonly pool: Pool,
    private readonly store: PostgresEventStore,
    private readonly projections: readonly AsyncProjection[],
    options: DaemonOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 1000;
    this.batchSize = options.batchSize ?? 500;
    this.settleMs = options.settleMs ?? 100;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    for (const projection of this.projections) {
      await this.pool.query('INSERT INTO projections (name) VALUES ($1) ON CONFLICT DO NOTHING', [
        projection.name,
      ]);
    }
    // Appends through this process's store nudge the daemon directly; others' through a NOTIFY.
    this.unsubscribe = this.store.onAppended(() => this.nudge());
    this.listener = await this.pool.connect();
    this.listener.on('notification', () => this.nudge());
    this.listener.on('error', () => undefined);
    await this.listener.query(`LISTEN ${APPENDED_CHANNEL}`);
    for (const projection of this.projections) {
      this.loops.set(projection.name, this.run(projection));
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = null;
    this.wakeAll();
    await Promise.all(this.loops.values());
    this.loops.clear();
    for (const holder of this.holders.values()) {
      await holder.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      holder.release();
    }
    this.holders.clear();
    if (this.listener) {
      await this.listener.query(`UNLISTEN ${APPENDED_CHANNEL}`).catch(() => undefined);
      this.listener.release();
      this.listener = null;
    }
  }

  /** Whether this daemon holds the projection's lock and so is the one running it. */
  isRunning(name: string): boolean {
    return this.holders.has(name);
  }

  /** After a fix: clears the error so that the projection continues from the failing event. */
  async resume(name: string): Promise<void> {
    await this.pool.query(
      `UPDATE projections SET status = 'running', error = NULL, failed_position = NULL,
              updated_at = now() WHERE name = $1`,
      [name],
    );
    this.wakeAll();
  }

  private async run(projection: AsyncProjection): Promise<void> {
    while (!this.stopped) {
      try {
        if (!(await this.hold(projection.name))) {
          await this.sleep();
          continue;
        }
        const wakes = this.wakes;
        const applied = await this.step(projection);
        if (applied < this.batchSize && wakes === this.wakes) await this.sleep();
      } catch {
        // The database went away or the lock's connection died: let go, try again later.
        this.drop(projection.name);
        await this.sleep();
      }
    }
  }

  private async hold(name: string): Promise<boolean> {
    if (this.holders.has(name)) return true;
    const client = await this.pool.connect();
    client.on('error', () => this.drop(name));
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1::bigint) AS locked',
      [projectionLockKey(name)],
    );
    if (!rows[0].locked) {
      client.release();
      return false;
    }
    this.holders.set(name, client);
    return true;
  }

  private drop(name: string): void {
    const client = this.holders.get(name);
    if (!client) return;
    this.holders.delete(name);
    client.release(true);
  }

  /** Applies one batch; how many events it applied. */
  private async step(projection: AsyncProjection): Promise<number> {
    const { rows } = await this.pool.query<{
      transaction_id: string;
      global_position: string;
      status: ProjectionStatus;
    }>(
      `SELECT transaction_id::text, global_position::text, status FROM projections
        WHERE name = $1`,
      [projection.name],
    );
    if (rows[0]?.status !== 'running') return 0;
    const after: Checkpoint = {
      transactionId: rows[0].transaction_id,
      globalPosition: rows[0].global_position,
    };
    const { events } = await this.store.readAll({
      after,
      limit: this.batchSize,
      types: projection.handles,
    });
    if (events.length === 0) return 0;
    try {
      await this.applyAndCheckpoint(projection, events);
    } catch {
      // Find the event that fails: apply one at a time up to it, then stop there.
      for (const event of events) {
        try {
          await this.applyAndCheckpoint(projection, [event]);
        } catch (error) {
          await this.pool.query(
            `UPDATE projections SET status = 'error', error = $2, failed_position = $3,
                    updated_at = now() WHERE name = $1`,
            [projection.name, (error as Error).message ?? String(error), encodeCheckpoint(event)],
          );
          return 0;
        }
      }
    }
    return events.length;
  }

  private async applyAndCheckpoint(
    projection: AsyncProjection,
    events: readonly RecordedEvent[],
  ): Promise<void> {
    const last = events[events.length - 1];
    const first = events[0];
    await inTransaction(this.pool, async (tx) => {
      // The checkpoint, locked: a rebuild that swapped the tables meanwhile moved it, and then
      // this batch is no longer the next one.
      const { rows } = await tx.query<{ behind: boolean }>(
        `SELECT (transaction_id, global_position) < ($2::xid8, $3::bigint) AS behind
           FROM projections WHERE name = $1 FOR UPDATE`,
        [projection.name, first.transactionId, first.globalPosition],
      );
      if (!rows[0]?.behind) return;
      await projection.apply(tx, events);
      await tx.query(
        `UPDATE projections SET transaction_id = $2::xid8, global_position = $3, updated_at = now()
          WHERE name = $1`,
        [projection.name, last.transactionId, last.globalPosition],
      );
    });
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, this.pollMs);
      this.wakers.add(wake);
    });
  }

  private wakeAll(): void {
    this.wakes++;
    for (const wake of [...this.wakers]) wake();
  }

  /** Events were appended: wake the loops once the appends of the next moment have joined them. */
  private nudge(): void {
    if (this.settleTimer || this.stopped) return;
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      this.wakeAll();
    }, this.settleMs);
  }
}

/** The state of each named projection, as stored. */
export async function projectionStates(pool: Pool): Promise<ProjectionState[]> {
  const { rows } = await pool.query<{
    name: string;
    transaction_id: string;
    global_position: string;
    status: ProjectionStatus;
    error: string | null;
    failed_position: string | null;
  }>(
    `SELECT name, transaction_id::text, global_position::text, status, error, failed_position
       FROM projections ORDER BY name`,
  );
  return rows.map((row) => ({
    name: row.name,
    position:
      row.global_position === '0'
        ? null
        : encodeCheckpoint({
            transactionId: row.transaction_id,
            globalPosition: row.global_position,
          }),
    status: row.status,
    error: row.error,
    failedPosition: row.failed_position,
  }));
}
