import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { TestDatabase, adminQuery, createTestDatabase } from '../../../test/support/test-database';
import {
  ServingRoleRefused,
  managedRoleName,
  prepareServingRole,
} from '../src/database/serving-role';

/** Who the server serves requests as: never a role that could rewrite the events. */
describe('the serving role', () => {
  let db: TestDatabase;
  const operatorRole = `tally_ops_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
    await adminQuery(`DROP ROLE IF EXISTS ${operatorRole}`);
  });

  async function whoServes(url: string) {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ user: string; superuser: boolean }>(
        `SELECT current_user AS user, rolsuper AS superuser FROM pg_roles
          WHERE rolname = current_user`,
      );
      return rows[0];
    } finally {
      await client.end();
    }
  }

  it('is a role the server manages, when it was given the owner alone', async () => {
    // Two instances starting together agree on the role and its password.
    const [first, second] = await Promise.all([
      prepareServingRole(db.url, null),
      prepareServingRole(db.url, null),
    ]);
    expect(first).toEqual(second);
    expect(first.role).toBe(managedRoleName(db.name));
    expect(await whoServes(first.url)).toEqual({ user: first.role, superuser: false });
  });

  it('refuses to serve through a superuser given as DATABASE_URL', async () => {
    await expect(prepareServingRole(db.url, db.url)).rejects.toThrow(ServingRoleRefused);
    await expect(prepareServingRole(db.url, db.url)).rejects.toThrow(/is a superuser/);
  });

  it("takes back an operator's role wider rights on the events, then serves through it", async () => {
    const password = randomBytes(8).toString('hex');
    await db.pool.query(`CREATE ROLE ${operatorRole} LOGIN PASSWORD '${password}'`);
    await db.pool.query(`GRANT UPDATE, DELETE, TRUNCATE, TRIGGER ON events TO ${operatorRole}`);
    const url = new URL(db.url);
    url.username = operatorRole;
    url.password = password;
    const serving = await prepareServingRole(db.url, url.toString());
    expect(serving.role).toBe(operatorRole);
    // Given alone as DATABASE_URL, a role restricted so already serves as it is.
    expect(await prepareServingRole(url.toString(), null)).toEqual({
      url: url.toString(),
      role: operatorRole,
    });
    const client = new Client({ connectionString: serving.url });
    await client.connect();
    try {
      await expect(client.query('UPDATE events SET data = data')).rejects.toMatchObject({
        code: '42501',
      });
      await expect(client.query('TRUNCATE events')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await client.end();
    }
  });
});
