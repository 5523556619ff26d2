import { PoolClient } from 'pg';
import {
  CommandReplayMismatchError,
  InlineProjection,
  PostgresEventStore,
  RecordedEvent,
  StreamVersionConflictError,
  decodeCheckpoint,
  encodeCheckpoint,
} from '@tally/event-store';
import { TestDatabase, createTestDatabase } from '../../../test/support/test-database';

describe('PostgresEventStore', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool);
  });
  afterAll(() => db.drop());

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
    expect(result.events.map((e) => e.hash)).toEqual(events.map((e) => e.hash));
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

    it('reports a removed event, in the middle or at the head', async () => {
      await store.append('s-gap', 'no-stream', [counted(1), counted(2), counted(3)]);
      await behindTheTrigger(`DELETE FROM events WHERE stream_id = 's-gap' AND stream_version = 3`);
      expect(await store.verifyStream('s-gap')).toMatchObject({ valid: false, brokenAt: 3 });
      await behindTheTrigger(`DELETE FROM events WHERE stream_id = 's-gap' AND stream_version = 2`);
      expect(await store.verifyStream('s-gap')).toMatchObject({ valid: false, brokenAt: 2 });
    });
  });

  describe('reading all events in commit order', () => {
    async function readEverything(): Promise<RecordedEvent[]> {
      const seen: RecordedEvent[] = [];
      let after = null;
      for (;;) {
        const page = await store.readAll({ after, limit: 7 });
        if (page.events.length === 0) return seen;
        seen.push(...page.events);
        after = page.checkpoint;
      }
    }

    it('pages through every event once, with checkpoints that round-trip as tokens', async () => {
      const all = await readEverything();
      const positions = all.map((e) => e.globalPosition);
      expect(new Set(positions).size).toBe(positions.length);
      const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM events');
      expect(all).toHaveLength(Number(rows[0].n));
      const checkpoint = {
        transactionId: all[0].transactionId,
        globalPosition: all[0].globalPosition,
      };
      expect(decodeCheckpoint(encodeCheckpoint(checkpoint))).toEqual(checkpoint);
      expect(decodeCheckpoint('12-x')).toBeNull();
      expect(decodeCheckpoint('1-9223372036854775808')).toBeNull();
      expect(decodeCheckpoint('99999999999999999999-1')).toBeNull();
      expect(decodeCheckpoint('007-08')).toEqual({ transactionId: '7', globalPosition: '8' });
    });

    it('never skips an event whose transaction commits after a later-numbered one', async () => {
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const holding: InlineProjection = {
        name: 'holding',
        handles: ['Slow'],
        async apply(_tx: PoolClient) {
          entered();
          await gate;
        },
      };
      const slowStore = new PostgresEventStore(db.pool, { inlineProjections: [holding] });
      const { checkpoint: start } = await store.readAll({ after: null, limit: 10_000 });

      const a = slowStore.append('s-late-a', 'no-stream', [{ type: 'Slow', data: {} }]);
      await inside; // A holds its position, uncommitted
      const b = await store.append('s-late-b', 'no-stream', [{ type: 'Fast', data: {} }]);
      const whileOpen = await store.readAll({ after: start });
      expect(whileOpen.events).toEqual([]);

      release();
      const committedA = await a;
      expect(BigInt(committedA.events[0].globalPosition)).toBeLessThan(
        BigInt(b.events[0].globalPosition),
      );
      const afterCommit = await store.readAll({ after: start });
      expect(afterCommit.events.map((e) => e.streamId)).toEqual(['s-late-a', 's-late-b']);
      const again = await store.readAll({ after: afterCommit.checkpoint });
      expect(again.events).toEqual([]);
    });
  });
});
