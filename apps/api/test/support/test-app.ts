import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { TestDatabase, createTestDatabase } from '../../../../test/support/test-database';
import { CreateAppOptions, createApp } from '../../src/bootstrap';
import { TallyConfig, parseApiKeys } from '../../src/config/tally-config';

export const TOKENS = {
  admin: 'admin-token-0001',
  editor: 'editor-token-0001',
  reader: 'reader-token-0001',
} as const;

export interface TestApp {
  readonly app: INestApplication;
  readonly db: TestDatabase;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/** A configuration for a server under test: no seed, no generated key, no write limit. */
export function testConfig(databaseUrl: string, overrides: Partial<TallyConfig> = {}): TallyConfig {
  return {
    port: 0,
    databaseUrl,
    migrationDatabaseUrl: null,
    dataDir: '/nonexistent',
    apiKeys: [],
    generatedKey: false,
    seed: false,
    publicRead: false,
    writeLimit: 0,
    migrate: true,
    corsOrigins: [],
    trustProxy: false,
    ...overrides,
  };
}

/**
 * The whole HTTP application on a database of the test file's own, or on `shared`, another
 * app's (a second instance; closing it leaves the database to its owner).
 */
export async function createTestApp(
  overrides: Partial<TallyConfig> = {},
  log: CreateAppOptions = { logLevel: 'silent' },
  shared?: TestDatabase,
): Promise<TestApp> {
  const db = shared ?? (await createTestDatabase());
  const config = testConfig(db.url, {
    apiKeys: parseApiKeys(
      `ana:admin:${TOKENS.admin},eve:editor:${TOKENS.editor},rae:reader:${TOKENS.reader}`,
    ),
    ...overrides,
  });
  const app = await createApp(config, db.url, log);
  await app.init();
  return {
    app,
    db,
    http: () => request(app.getHttpServer()),
    async close() {
      await app.close();
      if (!shared) await db.drop();
    },
  };
}

export const bearer = (role: keyof typeof TOKENS) => `Bearer ${TOKENS[role]}`;

/** Every stored event, oldest first, to assert what a request wrote (or did not). */
export async function storedEvents(db: TestDatabase) {
  const { rows } = await db.pool.query<{
    stream_id: string;
    stream_version: number;
    type: string;
    data: Record<string, unknown>;
    metadata: Record<string, unknown>;
  }>('SELECT stream_id, stream_version, type, data, metadata FROM events ORDER BY global_position');
  return rows;
}
