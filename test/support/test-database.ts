import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { managedRoleName } from '../../apps/api/src/database/serving-role';
import { TEMPLATE_DATABASE, withDatabase } from './database-url';

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  /** A pool on the test database, closed by `drop`. */
  readonly pool: Pool;
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is set by the global setup');
  return url;
}

/** A database of this test file's own, cloned from the migrated template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `tally_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`);
  const url = withDatabase(serverUrl(), name);
  const pool = new Pool({ connectionString: url, max: 60 });
  return {
    url,
    name,
    pool,
    async drop() {
      await pool.end();
      await dropDatabase(name);
      // The role a server managed on this database, if one started on it (roles outlive it).
      await adminQuery(`DROP ROLE IF EXISTS ${managedRoleName(name)}`);
    },
  };
}

/** The test file's database, created before its tests and dropped after them. */
export function useTestDatabase(): TestDatabase {
  return perFile(createTestDatabase, (db) => db.drop());
}

/**
 * A fixture started before a test file's tests and stopped after them; the object returned stands
 * for it from the first test on.
 */
export function perFile<T extends object>(
  start: () => Promise<T>,
  stop: (fixture: T) => Promise<void>,
): T {
  let fixture: T | undefined;
  beforeAll(async () => {
    fixture = await start();
  });
  afterAll(() => fixture && stop(fixture));
  return new Proxy({} as T, {
    get(_target, key) {
      if (!fixture) throw new Error('a per-file fixture is started in beforeAll');
      const value = Reflect.get(fixture, key);
      return typeof value === 'function' ? value.bind(fixture) : value;
    },
  });
}

/** Waits for the pool's connections to go before dropping, so that none is killed mid-query. */
async function dropDatabase(name: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      await adminQuery(`DROP DATABASE IF EXISTS ${name}`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006') throw error; // object in use
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** A statement on the server's maintenance database (roles, databases). */
export async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
