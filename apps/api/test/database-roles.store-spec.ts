import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { PostgresEventStore } from '@tally/event-store';
import { TestDatabase, adminQuery, createTestDatabase } from '../../../test/support/test-database';

/** A role granted with `grant_app_role`, as the README tells an operator: it cannot rewrite events. */
describe('the application role', () => {
  let db: TestDatabase;
  let app: Pool;
  const role = `tally_app_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    await db.pool.query('SELECT grant_app_role($1)', [role]);
    const url = new URL(db.url);
    url.username = role;
    url.password = password;
    app = new Pool({ connectionString: url.toString(), max: 2 });
  });

  afterAll(async () => {
    await app.end();
    await db.drop();
    await adminQuery(`DROP ROLE IF EXISTS ${role}`);
  });

  it('appends and reads, but may not UPDATE, DELETE or TRUNCATE events', async () => {
    const store = new PostgresEventStore(app);
    await store.append('s-role', 'no-stream', [{ type: 'Noted', data: { n: 1 } }], {
      actor: 'eve',
    });
    expect((await store.readStream('s-role')).map((e) => e.data)).toEqual([{ n: 1 }]);
    for (const sql of [
      `UPDATE events SET data = '{}' WHERE stream_id = 's-role'`,
      `DELETE FROM events WHERE stream_id = 's-role'`,
      'TRUNCATE events',
    ]) {
      await expect(app.query(sql)).rejects.toMatchObject({ code: '42501' });
    }
    expect(await store.verifyStream('s-role')).toMatchObject({ valid: true, version: 1 });
  });

  it('may not alter the events table, its triggers, nor disable them', async () => {
    for (const sql of [
      'ALTER TABLE events DISABLE TRIGGER events_guard',
      'ALTER TABLE events DISABLE TRIGGER events_append_only',
      'DROP TRIGGER events_guard ON events',
      'ALTER TABLE events ADD COLUMN forged text',
      'CREATE TRIGGER forged BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_guard()',
      'DROP TABLE events',
    ]) {
      await expect(app.query(sql)).rejects.toMatchObject({ code: '42501' });
    }
  });

  it("may not choose an event's hash, transaction or position", async () => {
    const { rows } = await app.query<{ hash: string; own: boolean }>(
      `INSERT INTO events (stream_id, stream_version, type, schema_version, data, metadata,
                           recorded_at, hash, transaction_id)
       VALUES ('s-chosen', 1, 'Noted', 1, '{}', '{}', now(), $1, '5'::xid8)
       RETURNING hash, transaction_id::text = pg_current_xact_id()::text AS own`,
      ['0'.repeat(64)],
    );
    // What it gave was replaced: the database's hash, the inserting transaction.
    expect(rows[0].hash).not.toBe('0'.repeat(64));
    expect(rows[0].own).toBe(true);
    expect(await new PostgresEventStore(app).verifyStream('s-chosen')).toMatchObject({
      valid: true,
    });
    for (const position of ['1', '9223372036854775807']) {
      await expect(
        app.query(
          `INSERT INTO events (global_position, stream_id, stream_version, type, schema_version,
                               data, metadata, recorded_at)
           OVERRIDING SYSTEM VALUE
           VALUES ($1, 's-position', 1, 'Noted', 1, '{}', '{}', now())`,
          [position],
        ),
        // TA004 from the guard; 55000 when the session never drew a position it could have had.
      ).rejects.toMatchObject({ code: expect.stringMatching(/^(TA004|55000)$/) });
    }
    // A session that appended before is refused by the guard itself.
    const client = await app.connect();
    try {
      await new PostgresEventStore(client as unknown as Pool).append('s-primed', 'no-stream', [
        { type: 'Noted', data: {} },
      ]);
      await expect(
        client.query(
          `INSERT INTO events (global_position, stream_id, stream_version, type, schema_version,
                               data, metadata, recorded_at)
           OVERRIDING SYSTEM VALUE
           VALUES (2, 's-position', 1, 'Noted', 1, '{}', '{}', now())`,
        ),
      ).rejects.toMatchObject({ code: 'TA004' });
    } finally {
      client.release();
    }
  });

  it('appends through a plain INSERT only what the database hashes and stamps itself', async () => {
    const insert = (stream: string, version: number, recordedAt: string, previous = '') =>
      app.query(
        `INSERT INTO events (stream_id, stream_version, type, schema_version, data, metadata,
                             recorded_at, previous_hash)
         VALUES ($1, $2, 'Noted', 1, '{"n": 1}', '{}', $3::timestamptz, $4)
         RETURNING hash, transaction_id::text = pg_current_xact_id()::text AS own`,
        [stream, version, recordedAt, previous],
      );
    const now = () => new Date().toISOString();
    // Backdated or dated ahead: refused by the guard.
    await expect(insert('s-plain', 1, '2025-01-01T00:00:00Z')).rejects.toMatchObject({
      code: 'TA003',
    });
    await expect(insert('s-plain', 1, '2099-01-01T00:00:00Z')).rejects.toMatchObject({
      code: 'TA003',
    });
    const { rows } = await insert('s-plain', 1, now());
    expect(rows[0].own).toBe(true);
    const store = new PostgresEventStore(app);
    expect(await store.verifyStream('s-plain')).toMatchObject({
      valid: true,
      version: 1,
      head: rows[0].hash,
    });
    // A link stated falsely, or a version skipped, is where the chain breaks.
    await insert('s-plain', 2, now(), 'f'.repeat(64));
    expect(await store.verifyStream('s-plain')).toMatchObject({ valid: false, brokenAt: 2 });
    await insert('s-gap', 1, now());
    await insert('s-gap', 3, now());
    expect(await store.verifyStream('s-gap')).toMatchObject({
      valid: false,
      brokenAt: 2,
      reason: 'event missing',
    });
  });
});
