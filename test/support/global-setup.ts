import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createDataSource, migrate } from '../../apps/api/src/database/data-source';
import { startEmbeddedPostgres } from '../../apps/api/src/database/embedded-postgres';
import { TEMPLATE_DATABASE, withDatabase } from './database-url';

/**
 * Uses DATABASE_URL when set, else starts an embedded PostgreSQL for the run. Either way it
 * builds a migrated template database; each test file then clones its own database from it.
 */
export default async function globalSetup(): Promise<void> {
  if (!process.env.DATABASE_URL) {
    const dataDir = mkdtempSync(join(tmpdir(), 'tally-test-'));
    const postgres = await startEmbeddedPostgres({ dataDir, ephemeral: true, fast: true });
    process.env.DATABASE_URL = postgres.url;
    (globalThis as Record<string, unknown>).__TALLY_TEST_POSTGRES__ = postgres;
  }
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const dataSource = createDataSource(withDatabase(process.env.DATABASE_URL, TEMPLATE_DATABASE));
  await dataSource.initialize();
  try {
    await migrate(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
