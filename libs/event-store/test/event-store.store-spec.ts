import {
  Checkpoint,
  CommandReplayMismatchError,
  Projection,
  PendingEvent,
  PostgresEventStore,
  RecordedEvent,
  StreamVersionConflictError,
  decodeCheckpoint,
  encodeCheckpoint,
  runProjectionStatement,
  StatesBefore,
} from '@tally/event-store';
import { useTestDatabase } from '../../../test/support/test-database';
import { holdingProjection } from './holding-projection';

describe('PostgresEventStore', () => {
  const db = useTestDatabase();
  let store: PostgresEventStore;

  beforeAll(() => {
    store = new PostgresEventStore(db.pool);
  });

  const counted = (n: number) => ({ type: 'Counted', data: { n } });

  async function versionsOf(streamId: string): Promise<number[]> {
    const { rows } = await db.pool.query<{ stream_version: number }>(
      'SELECT stream_version FROM events WHERE stream_id = $1 ORDER BY global_position',
      [streamId],
    );
    return rows.map((row) => row.stream_version);
  }

  it('appends events with positions, versions, hashes and metadata', async () => {
    const result = await store.append('s-basic', 'no-stream', [counted(1), counted(2)], {
      actor: 'alice',
      correlationId: 'c-1',
    });
    expect(result.duplicate).toBe(false);
    expect(result.nextVersion).toBe(2);
    const events = await store.readStream('s-basic');
    expect(events.map((e) => [e.streamVersion, e.type, e.data])).toEqual([
      [1, 'Counted', { n: 1 }],
      [2, 'Counted', { n: 2 }],
    ]);
    expect(events[0].metadata).toEqual({ actor: 'alice', correlationId: 'c-1' });
    expect(events[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(events[1].hash).not.toBe(events[0].hash);
    expect(events[0].recordedAt).toBeInstanceOf(Date);
    expect(BigInt(events[1].globalPosition)).toBeGreaterThan(BigInt(events[0].globalPosition));
    expect(result.events.map((e) => [e.hash, e.recordedAt, e.globalPosition])).toEqual(
      events.map((e) => [e.hash, e.recordedAt, e.globalPosition]),
    );
    expect(await store.streamVersion('s-basic')).toBe(2);
    expect(await store.streamVersion('s-none')).toBe(0);
  });

  it('refuses a stale expected version with a typed conflict and writes nothing', async () => {
    await store.append('s-stale', 'no-stream', [counted(1)]);
    await expect(store.append('s-stale', 'no-stream', [counted(2)])).rejects.toBeInstanceOf(
      StreamVersionConflictError,
    );
    const conflict = await store.append('s-stale', 3, [counted(2)]).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(StreamVersionConflictError);
    expect(conflict).toMatchObject({ streamId: 's-stale', expected: 3, actual: 1 });
    expect(await versionsOf('s-stale')).toEqual([1]);
  });

  it('lets exactly one of 50 concurrent appends with the same expected version win', async () => {
    await store.append('s-race', 'no-stream', [counted(0)]);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => store.append('s-race', 1, [counted(i + 1)])),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter(
      (o) => o.status === 'rejected' && o.reason instanceof StreamVersionConflictError,
    );
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    expect(await versionsOf('s-race')).toEqual([1, 2]);
  });

  it('lands all of 50 concurrent appends with any version, contiguous and verifiable', async () => {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.append('s-any', 'any', [counted(i)])),
    );
    expect(await versionsOf('s-any')).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const written = (await store.readStream('s-any')).map((e) => (e.data as { n: number }).n);
    expect(new Set(written).size).toBe(50);
    expect(await store.verifyStream('s-any')).toMatchObject({ valid: true, version: 50 });
  });

  it('tells its listeners after an append commits', async () => {
    let heard = 0;
    const stop = store.onAppended(() => heard++);
    await store.append('s-heard', 'no-stream', [counted(1)]);
    await expect(store.append('s-heard', 'no-stream', [counted(1)])).rejects.toThrow();
    stop();
    await store.append('s-heard', 1, [counted(2)]);
    expect(heard).toBe(1);
  });

  describe('inline projections', () => {
    /** Counts into `tallies`: one statement inside the append's, or a write of its own. */
    const tallying = (mode: 'statement' | 'apply'): Projection => {
      const write = (events: readonly PendingEvent[], first: number) => ({
        text: `INSERT INTO tallies (stream_id, version, n, hash)
               SELECT t.stream_id, t.version, t.n, a.hash
                 FROM jsonb_to_recordset($${first}::jsonb) AS t(stream_id text, version integer,
                      n integer)
                 JOIN appended a ON a.stream_id = t.stream_id AND a.stream_version = t.version`,
        values: [
          JSON.stringify(
            events.map((e) => ({
              stream_id: e.streamId,
              version: e.streamVersion,
              n: (e.data as { n: number }).n,
            })),
          ),
        ],
      });
      return {
        name: `tallies_${mode}`,
        handles: ['Counted'],
        tables: ['tallies'],
        apply: (tx, events) => runProjectionStatement(tx, events, (first) => write(events, first)),
        ...(mode === 'statement'
          ? {
              statement: (
                events: readonly PendingEvent[],
                _known: StatesBefore | undefined,
                first: number,
              ) => write(events, first),
            }
          : {}),
      };
    };

    beforeAll(() =>
      db.pool.query(
        'CREATE TABLE tallies (stream_id text, version integer, n integer, hash text NOT NULL)',
      ),
    );

    async function talliesOf(streamId: string) {
      const { rows } = await db.pool.query(
        'SELECT version, n, hash FROM tallies WHERE stream_id = $1 ORDER BY version',
        [streamId],
      );
      return rows;
    }

    it.each(['statement', 'apply'] as const)(
      'writes its rows with the events (%s), and none when the append is refused',
      async (mode) => {
        const projected = new PostgresEventStore(db.pool, { inlineProjections: [tallying(mode)] });
        const stream = `s-tally-${mode}`;
        const first = await projected.append(stream, 'no-stream', [counted(7)]);
        const second = await projected.append(stream, 1, [counted(8), counted(9)]);
        await expect(projected.append(stream, 1, [counted(10)])).rejects.toBeInstanceOf(
          StreamVersionConflictError,
        );
        expect(await talliesOf(stream)).toEqual([
          { version: 1, n: 7, hash: first.events[0].hash },
          { version: 2, n: 8, hash: second.events[0].hash },
          { version: 3, n: 9, hash: second.events[1].hash },
        ]);
        expect(await versionsOf(stream)).toEqual([1, 2, 3]);
      },
    );

    it('rolls the events back when its statement fails', async () => {
      const failing: Projection = {
        ...tallying('statement'),
        statement: (events, _known, first) => ({
          text: `INSERT INTO tallies (stream_id, version, n, hash)
                 SELECT a.stream_id, a.stream_version, 1, NULL FROM appended a
                  WHERE $${first}::integer = 1`,
          values: [1],
        }),
      };
      const projected = new PostgresEventStore(db.pool, { inlineProjections: [failing] });
      await expect(projected.append('s-tally-fail', 'no-stream', [counted(1)])).rejects.toThrow(
        /null value/,
      );
      expect(await versionsOf('s-tally-fail')).toEqual([]);
    });
  });

  it('never records an event before the head of its stream, whatever the clock says', async () => {
    // Times near the database's clock: the events_guard trigger refuses any far from it.
    const start = Math.floor(Date.now() / 1000) * 1000;
    const at = (ms: number) => new Date(start + ms);
    let now = at(123);
    const clocked = new PostgresEventStore(db.pool, { clock: () => now });
    await clocked.append('s-clock', 'no-stream', [counted(1)]);
    now = at(-60_000);
    const behind = await clocked.append('s-clock', 1, [counted(2)]);
    expect(behind.events[0].recordedAt.toISOString()).toBe(at(123).toISOString());
    now = at(1000);
    await clocked.append('s-clock', 2, [counted(3)]);
    const times = (await clocked.readStream('s-clock')).map((e) => e.recordedAt.toISOString());
    expect(times).toEqual([at(123), at(123), at(1000)].map((time) => time.toISOString()));
    expect(await clocked.verifyStream('s-clock')).toMatchObject({ valid: true, version: 3 });
  });

  it('reads a stream between versions and up to a recorded time', async () => {
    await store.append('s-time', 'no-stream', [counted(1)]);
    await new Promise((r) => setTimeout(r, 20));
    await store.append('s-time', 1, [counted(2)]);
    await store.append('s-time', 2, [counted(3)]);
    const all = await store.readStream('s-time');
    const firstOnly = await store.readStream('s-time', { recordedUpTo: all[0].recordedAt });
    expect(firstOnly.map((e) => e.streamVersion)).toEqual([1]);
    const middle = await store.readStream('s-time', { fromVersion: 2, toVersion: 2 });
    expect(middle.map((e) => e.data)).toEqual([{ n: 2 }]);
    const before = await store.readStream('s-time', {
      recordedUpTo: new Date(all[0].recordedAt.getTime() - 1),
    });
    expect(before).toEqual([]);
  });

  describe('idempotency', () => {
    it('returns the first result for a repeated command id and writes nothing', async () => {
      const first = await store.append(
        's-idem',
        'no-stream',
        [counted(1)],
        {},
        {
          commandId: 'cmd-1',
          fingerprint: 'f1',
        },
      );
      const again = await store.append(
        's-idem',
        'no-stream',
        [counted(1)],
        {},
        {
          commandId: 'cmd-1',
          fingerprint: 'f1',
        },
      );
      expect(again.duplicate).toBe(true);
      expect(again.nextVersion).toBe(1);
      expect(again.events.map((e) => e.globalPosition)).toEqual(
        first.events.map((e) => e.globalPosition),
      );
      expect(await versionsOf('s-idem')).toEqual([1]);
      expect(await store.findCommand('cmd-1')).toEqual({
        streamId: 's-idem',
        fingerprint: 'f1',
        firstVersion: 1,
        lastVersion: 1,
      });
      expect(await store.findCommand('cmd-unknown')).toBeNull();
    });

    it('refuses a repeated command id with other content', async () => {
      await store.append(
        's-idem2',
        'any',
        [counted(1)],
        {},
        { commandId: 'cmd-2', fingerprint: 'a' },
      );
      await expect(
        store.append('s-idem2', 'any', [counted(9)], {}, { commandId: 'cmd-2', fingerprint: 'b' }),
      ).rejects.toBeInstanceOf(CommandReplayMismatchError);
      await expect(
        store.append('s-other', 'any', [counted(1)], {}, { commandId: 'cmd-2', fingerprint: 'a' }),
      ).rejects.toBeInstanceOf(CommandReplayMismatchError);
      expect(await versionsOf('s-idem2')).toEqual([1]);
      expect(await versionsOf('s-other')).toEqual([]);
    });

    it('replays a command whose expected version is no longer current', async () => {
      const first = await store.append(
        's-idem4',
        'no-stream',
        [counted(1)],
        {},
        { commandId: 'cmd-4', fingerprint: 'x' },
      );
      await store.append('s-idem4', 1, [counted(2)]);
      const again = await store.append(
        's-idem4',
        'no-stream',
        [counted(1)],
        {},
        { commandId: 'cmd-4', fingerprint: 'x' },
      );
      expect(again).toMatchObject({ duplicate: true, nextVersion: 1 });
      expect(again.events.map((e) => e.hash)).toEqual(first.events.map((e) => e.hash));
      expect(await versionsOf('s-idem4')).toEqual([1, 2]);
    });

    it('records the whole range of a command that appended several events', async () => {
      await store.append('s-idem5', 'no-stream', [counted(0)]);
      await store.append('s-idem5', 1, [counted(1), counted(2)], {}, { commandId: 'cmd-5' });
      expect(await store.findCommand('cmd-5')).toEqual({
        streamId: 's-idem5',
        fingerprint: null,
        firstVersion: 2,
        lastVersion: 3,
      });
      const again = await store.append(
        's-idem5',
        1,
        [counted(1), counted(2)],
        {},
        {
          commandId: 'cmd-5',
        },
      );
      expect(again.events.map((e) => e.streamVersion)).toEqual([2, 3]);
      expect(await versionsOf('s-idem5')).toEqual([1, 2, 3]);
    });

    it('writes once when the same command races itself', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          store.append(
            's-idem3',
            'any',
            [counted(1)],
            {},
            { commandId: 'cmd-3', fingerprint: 'x' },
          ),
        ),
      );
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(await versionsOf('s-idem3')).toEqual([1]);
    });
  });

  it('applies upcasters on read without rewriting what is stored', async () => {
    const upcasting = new PostgresEventStore(db.pool, {
      upcasters: [
        {
          type: 'Named',
          fromSchemaVersion: 1,
          upcast: (data) => ({ fullName: (data as { name: string }).name }),
        },
        {
          type: 'Named',
          fromSchemaVersion: 2,
          upcast: (data) => ({ ...(data as object), title: null }),
        },
      ],
    });
    await store.append('s-up', 'no-stream', [{ type: 'Named', data: { name: 'Ada' } }]);
    await store.append('s-up', 1, [
      { type: 'Named', schemaVersion: 3, data: { fullName: 'B', title: 'Dr' } },
    ]);
    const events = await upcasting.readStream('s-up');
    expect(events.map((e) => [e.schemaVersion, e.data])).toEqual([
      [3, { fullName: 'Ada', title: null }],
      [3, { fullName: 'B', title: 'Dr' }],
    ]);
    const { rows } = await db.pool.query(
      "SELECT schema_version, data FROM events WHERE stream_id = 's-up' ORDER BY stream_version",
    );
    expect(rows[0]).toEqual({ schema_version: 1, data: { name: 'Ada' } });
  });

  describe('append-only', () => {
    it('refuses UPDATE, DELETE and TRUNCATE on events', async () => {
      await store.append('s-locked', 'no-stream', [counted(1)]);
      await expect(
        db.pool.query(`UPDATE events SET data = '{"n": 2}' WHERE stream_id = 's-locked'`),
      ).rejects.toThrow(/append-only/);
      await expect(
        db.pool.query(`DELETE FROM events WHERE stream_id = 's-locked'`),
      ).rejects.toThrow(/append-only/);
      await expect(db.pool.query('TRUNCATE events')).rejects.toThrow(/append-only/);
      expect((await store.readStream('s-locked')).map((e) => e.data)).toEqual([{ n: 1 }]);
    });

    async function behindTheTrigger(sql: string): Promise<void> {
      const client = await db.pool.connect();
      try {
        await client.query('SET session_replication_role = replica');
        await client.query(sql);
      } finally {
        await client.query('SET session_replication_role = origin');
        client.release();
      }
    }

    it('reports the version whose content was altered behind the trigger', async () => {
      await store.append('s-tamper', 'no-stream', [counted(18), counted(23), counted(27)]);
      expect(await store.verifyStream('s-tamper')).toMatchObject({ valid: true, version: 3 });
      await behindTheTrigger(
        `UPDATE events SET data = '{"n": 19}' WHERE stream_id = 's-tamper' AND stream_version = 2`,
      );
      expect(await store.verifyStream('s-tamper')).toEqual({
        valid: false,
        brokenAt: 2,
        reason: 'content does not match its hash',
      });
    });

    it('reports a removed event in the middle, and at the head given a witness', async () => {
      const appended = await store.append('s-gap', 'no-stream', [
        counted(1),
        counted(2),
        counted(3),
      ]);
      const receipt = { version: 3, hash: appended.events[2].hash };
      expect(await store.verifyStream('s-gap', receipt)).toMatchObject({ valid: true, version: 3 });
      await behindTheTrigger(`DELETE FROM events WHERE stream_id = 's-gap' AND stream_version = 3`);
      // What is left is a whole chain of two; only the receipt knows there was a third.
      expect(await store.verifyStream('s-gap')).toMatchObject({ valid: true, version: 2 });
      expect(await store.verifyStream('s-gap', receipt)).toEqual({
        valid: false,
        brokenAt: 3,
        reason: 'event missing',
      });
      await behindTheTrigger(`DELETE FROM events WHERE stream_id = 's-gap' AND stream_version = 1`);
      expect(await store.verifyStream('s-gap')).toMatchObject({ valid: false, brokenAt: 1 });
    });

    it('reports a head that is not the one the witness recorded', async () => {
      await store.append('s-head', 'no-stream', [counted(1), counted(2)]);
      expect(await store.verifyStream('s-head', { version: 2, hash: 'f'.repeat(64) })).toEqual({
        valid: false,
        brokenAt: 2,
        reason: 'chain head does not match',
      });
    });
  });

  describe('reading all events in commit order', () => {
    /**
     * A follower: an empty page means "nothing more yet" (a transaction anywhere on the server may
     * still be running), so it polls until it has `count` events or the deadline passes.
     */
    async function follow(
      after: Checkpoint | null,
      until: (seen: RecordedEvent[]) => boolean,
      { pageSize = 7, waitMs = 10_000 } = {},
    ): Promise<{ seen: RecordedEvent[]; checkpoint: Checkpoint | null }> {
      const seen: RecordedEvent[] = [];
      let checkpoint = after;
      const deadline = Date.now() + waitMs;
      while (!until(seen) && Date.now() < deadline) {
        const page = await store.readAll({ after: checkpoint, limit: pageSize });
        seen.push(...page.events);
        checkpoint = page.checkpoint;
        if (page.events.length === 0) await new Promise((r) => setTimeout(r, 20));
      }
      return { seen, checkpoint };
    }

    async function eventCount(): Promise<number> {
      const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
      return rows[0].n;
    }

    it('pages through every event once, with checkpoints that round-trip as tokens', async () => {
      const total = await eventCount();
      const { seen } = await follow(null, (events) => events.length >= total);
      const positions = seen.map((e) => e.globalPosition);
      expect(positions).toHaveLength(total);
      expect(new Set(positions).size).toBe(total);
      const checkpoint = { transactionId: seen[0].transactionId, globalPosition: positions[0] };
      expect(decodeCheckpoint(encodeCheckpoint(checkpoint))).toEqual(checkpoint);
      expect(decodeCheckpoint('12-x')).toBeNull();
      expect(decodeCheckpoint('1-9223372036854775808')).toBeNull();
      expect(decodeCheckpoint('99999999999999999999-1')).toBeNull();
      expect(decodeCheckpoint('007-08')).toEqual({ transactionId: '7', globalPosition: '8' });
    });

    it('sees every event exactly once while writers append concurrently', async () => {
      const total = await eventCount();
      const { checkpoint: start } = await follow(null, (events) => events.length >= total);
      let writing = true;
      let written = 0;
      const writers = Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; writing; i++) {
          await store.append(`s-follow-${w}-${i % 3}`, 'any', [
            { type: 'Followed', data: { w, i } },
          ]);
          written += 1;
        }
      });
      const during = await follow(start, () => false, { pageSize: 5, waitMs: 1500 });
      writing = false;
      await Promise.all(writers);
      const rest = await follow(
        during.checkpoint,
        (events) => during.seen.length + events.length >= written,
      );
      const followed = [...during.seen, ...rest.seen];
      expect(written).toBeGreaterThan(50);
      expect(followed.every((e) => e.type === 'Followed')).toBe(true);
      expect(followed).toHaveLength(written);
      expect(new Set(followed.map((e) => e.globalPosition)).size).toBe(written);
    });

    it('orders by transaction id as a number, across a change in its number of digits', async () => {
      // Rows as transactions 9, 10, 99 and 100 would have written them (ids long finished on any
      // cluster): sorted as text, 10 and 100 would come before 9 and a follower would skip.
      // Only the owner, with the guard that sets each row's transaction off, can write them.
      const owner = await db.pool.connect();
      try {
        await owner.query('BEGIN; ALTER TABLE events DISABLE TRIGGER events_guard');
        for (const xid of ['100', '9', '99', '10']) {
          await owner.query(
            `INSERT INTO events (stream_id, stream_version, type, schema_version, data, metadata,
                                 recorded_at, transaction_id, hash)
             VALUES ($1, 1, 'Old', 1, '{}', '{}', now(), $2::xid8, '')`,
            [`s-xid-${xid}`, xid],
          );
        }
        await owner.query('ALTER TABLE events ENABLE TRIGGER events_guard; COMMIT');
      } finally {
        owner.release();
      }
      const total = await eventCount();
      const { seen } = await follow(null, (events) => events.length >= total, { pageSize: 2 });
      expect(seen.slice(0, 4).map((e) => e.transactionId)).toEqual(['9', '10', '99', '100']);
      const order = seen.map((e) => [BigInt(e.transactionId), BigInt(e.globalPosition)]);
      const sorted = [...order].sort(([t1, p1], [t2, p2]) =>
        t1 !== t2 ? (t1 < t2 ? -1 : 1) : p1 < p2 ? -1 : p1 > p2 ? 1 : 0,
      );
      expect(order).toEqual(sorted);
      expect(seen).toHaveLength(total);
    });

    it('never skips an event whose transaction commits after a later-numbered one', async () => {
      const total = await eventCount();
      const { checkpoint: start } = await follow(null, (events) => events.length >= total);
      const { projection: holding, inside, release } = holdingProjection('Slow');
      const slowStore = new PostgresEventStore(db.pool, { inlineProjections: [holding] });

      const a = slowStore.append('s-late-a', 'no-stream', [{ type: 'Slow', data: {} }]);
      try {
        await inside; // A holds its position, uncommitted
        await store.append('s-late-b', 'no-stream', [{ type: 'Fast', data: {} }]);
        const whileOpen = await follow(start, () => false, { waitMs: 300 });
        expect(whileOpen.seen.map((e) => e.streamId)).not.toContain('s-late-b');
      } finally {
        release();
      }
      const committedA = await a;
      const { seen } = await follow(start, (events) => events.length >= 2);
      expect(seen.map((e) => e.streamId)).toEqual(['s-late-a', 's-late-b']);
      expect(BigInt(committedA.events[0].globalPosition)).toBeLessThan(
        BigInt(seen[1].globalPosition),
      );
    });
  });
});
