import { Projection, typesOf } from './projection';
import { createHash } from 'node:crypto';
import { Pool } from 'pg';
import { encodeCheckpoint } from './checkpoints';
import { PostgresEventStore } from './event-store';
import { AppendedListener, Kept, giveBack } from './kept-connection';
import { ProjectionStatus } from './projection-states';
import { Checkpoint, RecordedEvent } from './event-store.types';
import { inTransaction } from './transaction';
import { isTransientDatabaseError } from './transient-errors';

export interface DaemonOptions {
  /** How often to poll when no notification arrives, and to try for a lock held elsewhere. */
  readonly pollMs?: number;
  readonly batchSize?: number;
  /** How long after an append the daemon waits for more, so that a busy log is read in batches. */
  readonly settleMs?: number;
  /** The longest wait between tries after transient errors (the first waits `pollMs`). */
  readonly maxBackoffMs?: number;
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
 * it covers, so none is applied twice. Transient errors (the database restarting, a deadlock, a
 * timeout) are tried again with a growing wait, so a projection catches up by itself; only an event
 * that fails to apply for another reason stops it, in `error` at that event until `resume`.
 */
export class ProjectionDaemon {
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly settleMs: number;
  private readonly maxBackoffMs: number;
  private settleTimer: NodeJS.Timeout | null = null;
  /** Counts wake-ups, so that one arriving while a loop was busy is not slept through. */
  private wakes = 0;
  private readonly loops = new Map<string, Promise<void>>();
  private readonly holders = new Map<string, Kept>();
  private readonly wakers = new Set<() => void>();
  private readonly listener: AppendedListener;
  private unsubscribe: (() => void) | null = null;
  private stopped = true;

  constructor(
    private readonly pool: Pool,
    private readonly store: PostgresEventStore,
    private readonly projections: readonly Projection[],
    options: DaemonOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 1000;
    this.batchSize = options.batchSize ?? 500;
    this.settleMs = options.settleMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.listener = new AppendedListener(pool, () => this.nudge(), Math.min(this.pollMs, 1000));
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
    await this.listener.start();
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
    for (const kept of this.holders.values()) {
      await kept.client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      giveBack(kept, false);
    }
    this.holders.clear();
    await this.listener.stop();
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

  private async run(projection: Projection): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (!(await this.hold(projection.name))) {
          await this.sleep();
          continue;
        }
        const wakes = this.wakes;
        const applied = await this.step(projection);
        failures = 0;
        if (applied < this.batchSize && wakes === this.wakes) await this.sleep();
      } catch {
        // Transient: the database went away, the lock's connection died, a deadlock or a timeout.
        // Let go of the lock (another instance may do better) and try again after a growing wait;
        // the checkpoint did not move, so nothing is skipped or applied twice.
        failures++;
        this.drop(projection.name);
        await this.sleep(this.backoff(failures));
      }
    }
  }

  /** `pollMs`, doubling with each failure in a row up to `maxBackoffMs`, with jitter. */
  private backoff(failures: number): number {
    const ceiling = Math.min(this.pollMs * 2 ** Math.min(failures - 1, 20), this.maxBackoffMs);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  private async hold(name: string): Promise<boolean> {
    if (this.holders.has(name)) return true;
    const client = await this.pool.connect();
    let locked: boolean;
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1::bigint) AS locked',
        [projectionLockKey(name)],
      );
      locked = rows[0].locked;
    } catch (error) {
      client.release(true);
      throw error;
    }
    if (!locked) {
      client.release();
      return false;
    }
    const kept: Kept = { client, onError: () => this.drop(name) };
    client.on('error', kept.onError);
    this.holders.set(name, kept);
    return true;
  }

  /** Ends the lock's connection, and so the lock. */
  private drop(name: string): void {
    const kept = this.holders.get(name);
    if (!kept) return;
    this.holders.delete(name);
    giveBack(kept, true);
  }

  /** Applies one batch; how many events it applied. */
  private async step(projection: Projection): Promise<number> {
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
      types: typesOf([projection]),
    });
    if (events.length === 0) return 0;
    try {
      await this.applyAndCheckpoint(projection, events);
    } catch (error) {
      if (isTransientDatabaseError(error)) throw error;
      // Find the event that fails: apply one at a time up to it, then stop there.
      for (const event of events) {
        try {
          await this.applyAndCheckpoint(projection, [event]);
        } catch (error) {
          if (isTransientDatabaseError(error)) throw error;
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
    projection: Projection,
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

  private sleep(ms = this.pollMs): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
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
