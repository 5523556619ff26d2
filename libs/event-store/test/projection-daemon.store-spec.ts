import { PoolClient } from 'pg';
import {
  Projection,
  PostgresEventStore,
  ProjectionDaemon,
  RecordedEvent,
  encodeCheckpoint,
  projectionStates,
} from '@tally/event-store';
import { Pool } from 'pg';
import { TestDatabase, createTestDatabase } from '../../../test/support/test-database';
import { holdingProjection } from './holding-projection';

/** Records every event it applies; applying one twice would break the primary key. */
function recorder(name: string, table: string, fails?: (e: RecordedEvent) => boolean): Projection {
  return {
    name,
    handles: [`Noted-${name}`],
    tables: [table],
    async apply(tx: PoolClient, events: readonly RecordedEvent[]) {
      for (const event of events) {
        if (fails?.(event)) throw new Error(`cannot apply ${event.globalPosition}`);
        await tx.query(`INSERT INTO ${table} (position, stream_id) VALUES ($1, $2)`, [
          event.globalPosition,
          event.streamId,
        ]);
      }
    },
  };
}

async function until(check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ProjectionDaemon', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const daemons: ProjectionDaemon[] = [];
  const pools: Pool[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool);
  });
  afterAll(async () => {
    for (const daemon of daemons) await daemon.stop();
    for (const pool of pools) await pool.end();
    await db.drop();
  });

  async function table(name: string): Promise<string> {
    await db.pool.query(
      `CREATE TABLE ${name} (seq serial, position text PRIMARY KEY, stream_id text NOT NULL)`,
    );
    return name;
  }

  async function seen(name: string): Promise<string[]> {
    const { rows } = await db.pool.query<{ stream_id: string }>(
      `SELECT stream_id FROM ${name} ORDER BY seq`,
    );
    return rows.map((row) => row.stream_id);
  }

  function daemon(projections: Projection[], ownPool = false): ProjectionDaemon {
    const pool = ownPool ? new Pool({ connectionString: db.url, max: 10 }) : db.pool;
    if (ownPool) pools.push(pool);
    const created = new ProjectionDaemon(pool, new PostgresEventStore(pool), projections, {
      pollMs: 100,
      batchSize: 3,
    });
    daemons.push(created);
    return created;
  }

  /** Each test's projection handles its own type: `Noted-<projection>`. */
  const noted = (streamId: string, data: object = {}) =>
    store.append(streamId, 'any', [{ type: `Noted-${streamId.split('-')[0]}`, data }]);

  it('applies an event that commits late after the ones before it, each once', async () => {
    const name = await table('late_seen');
    const { projection: holding, inside, release } = holdingProjection('Noted-late');
    const running = daemon([recorder('late', name)]);
    await running.start();
    await noted('late-0');
    await until(async () => (await seen(name)).length === 1);

    const slow = new PostgresEventStore(db.pool, { inlineProjections: [holding] });
    const a = slow.append('late-a', 'any', [{ type: 'Noted-late', data: {} }]);
    await inside;
    await noted('late-b');
    await noted('late-c');
    await new Promise((r) => setTimeout(r, 400));
    expect(await seen(name)).toEqual(['late-0']);
    release();
    await a;
    await until(async () => (await seen(name)).length === 4);
    expect(await seen(name)).toEqual(['late-0', 'late-a', 'late-b', 'late-c']);
    await new Promise((r) => setTimeout(r, 300));
    expect(await seen(name)).toHaveLength(4);
    await running.stop();
  });

  it('runs each projection in one daemon only, and another takes over when it stops', async () => {
    const name = await table('shared_seen');
    const first = daemon([recorder('shared', name)], true);
    const second = daemon([recorder('shared', name)], true);
    await first.start();
    await until(() => first.isRunning('shared'));
    await second.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(second.isRunning('shared')).toBe(false);
    for (let i = 0; i < 5; i++) await noted(`shared-${i}`);
    await until(async () => (await seen(name)).length === 5);

    await first.stop();
    const stoppedAt = Date.now();
    await until(() => second.isRunning('shared'), 5_000);
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    for (let i = 5; i < 8; i++) await noted(`shared-${i}`);
    await until(async () => (await seen(name)).length === 8);
    expect(await seen(name)).toEqual(Array.from({ length: 8 }, (_, i) => `shared-${i}`));
    await second.stop();
  });

  it('stops in error at a poison event and continues from it once fixed', async () => {
    const name = await table('poison_seen');
    let fixed = false;
    const projection = recorder(
      'poison',
      name,
      (e) => !fixed && (e.data as { poison?: boolean }).poison === true,
    );
    const running = daemon([projection]);
    await noted('poison-1');
    const poison = await noted('poison-2', { poison: true });
    await noted('poison-3');
    await running.start();
    const stateOf = async () => (await projectionStates(db.pool)).find((p) => p.name === 'poison');
    await until(async () => (await stateOf())?.status === 'error');
    expect(await stateOf()).toMatchObject({
      status: 'error',
      error: expect.stringContaining('cannot apply'),
      failedPosition: encodeCheckpoint(poison.events[0]),
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(await seen(name)).toEqual(['poison-1']);

    fixed = true;
    await running.resume('poison');
    await until(async () => (await seen(name)).length === 3);
    expect(await seen(name)).toEqual(['poison-1', 'poison-2', 'poison-3']);
    expect(await stateOf()).toMatchObject({ status: 'running', error: null });
    expect(await store.countAfter(null, ['Noted-poison'])).toBe(3);
    await running.stop();
  });

  it('tries transient errors again with backoff and catches up by itself, never in error', async () => {
    const name = await table('transient_seen');
    const transient = [
      Object.assign(new Error('deadlock detected'), { code: '40P01' }),
      Object.assign(new Error('could not serialize access'), { code: '40001' }),
      Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
      Object.assign(new Error('terminating connection'), { code: '57P01' }),
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    ];
    const inner = recorder('transient', name);
    let failures = 0;
    const flaky: Projection = {
      ...inner,
      async apply(tx, events) {
        if (failures < transient.length) throw transient[failures++];
        await inner.apply(tx, events);
      },
    };
    const running = new ProjectionDaemon(db.pool, new PostgresEventStore(db.pool), [flaky], {
      pollMs: 20,
      maxBackoffMs: 100,
    });
    daemons.push(running);
    const stateOf = async () =>
      (await projectionStates(db.pool)).find((p) => p.name === 'transient');
    for (let i = 0; i < 3; i++) await noted(`transient-${i}`);
    await running.start();
    await until(async () => (await seen(name)).length === 3);
    expect(failures).toBe(transient.length);
    expect(await seen(name)).toEqual(['transient-0', 'transient-1', 'transient-2']);
    expect(await stateOf()).toMatchObject({ status: 'running', error: null });
    await running.stop();
  });

  it('keeps its pool flat while it waits for a lock held elsewhere', async () => {
    const name = await table('standby_seen');
    const holder = daemon([recorder('standby', name)], true);
    await holder.start();
    await until(() => holder.isRunning('standby'));

    const pool = new Pool({ connectionString: db.url, max: 4 });
    pools.push(pool);
    let acquired = 0;
    pool.on('acquire', () => acquired++);
    const standby = new ProjectionDaemon(
      pool,
      new PostgresEventStore(pool),
      [recorder('standby', name)],
      { pollMs: 2 },
    );
    daemons.push(standby);
    await standby.start();
    await until(() => acquired >= 300, 20_000);
    expect(standby.isRunning('standby')).toBe(false);
    await standby.stop();

    // Every connection the pool holds is back, idle, with no listener the daemon put on it.
    expect(pool.waitingCount).toBe(0);
    expect(pool.idleCount).toBe(pool.totalCount);
    expect(pool.totalCount).toBeLessThanOrEqual(2);
    const fresh = new Pool({ connectionString: db.url, max: 1 });
    pools.push(fresh);
    const baseline = await fresh.connect();
    const expected = baseline.listenerCount('error');
    baseline.release();
    const clients = await Promise.all(
      Array.from({ length: pool.totalCount }, () => pool.connect()),
    );
    for (const client of clients) expect(client.listenerCount('error')).toBe(expected);
    for (const client of clients) client.release();
    await holder.stop();
  });

  it('listens again after its LISTEN connection is cut, and wakes on another process append', async () => {
    const name = await table('relisten_seen');
    const pool = new Pool({ connectionString: db.url, max: 4, application_name: 'relisten' });
    pools.push(pool);
    // A poll of a minute: only a notification can wake it within the test.
    const running = new ProjectionDaemon(
      pool,
      new PostgresEventStore(pool),
      [recorder('relisten', name)],
      { pollMs: 60_000, settleMs: 10 },
    );
    daemons.push(running);
    await running.start();
    await until(() => running.isRunning('relisten'));
    await noted('relisten-0');
    await until(async () => (await seen(name)).length === 1);

    const listening = async () =>
      (
        await db.pool.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
            WHERE application_name = 'relisten' AND query LIKE 'LISTEN%'`,
        )
      ).rows;
    const [before] = await listening();
    await db.pool.query('SELECT pg_terminate_backend($1)', [before.pid]);
    await until(async () => (await listening()).some((row) => row.pid !== before.pid));

    await noted('relisten-1');
    await until(async () => (await seen(name)).length === 2, 5_000);
    expect(await seen(name)).toEqual(['relisten-0', 'relisten-1']);
    await running.stop();
  });
});
