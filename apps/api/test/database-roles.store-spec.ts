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
});
