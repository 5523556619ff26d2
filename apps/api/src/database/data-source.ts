import { DataSource } from 'typeorm';
import { Pool } from 'pg';
import { migrations } from '../../../../migrations';

export interface DataSourceOptions {
  readonly poolSize?: number;
  /** Cancels any statement running longer (the server's requests; not migrations or tools). */
  readonly statementTimeoutMs?: number;
}

const CONNECT_TIMEOUT_MS = 5_000;
const IDLE_IN_TRANSACTION_MS = 60_000;

export function createDataSource(url: string, options: DataSourceOptions = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    extra: {
      max: options.poolSize ?? 20,
      application_name: 'tally',
      // A database that does not answer is a 503 in seconds, not a request hanging for ever.
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      // A transaction left open by a client that died holds its locks no longer than this.
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
      ...(options.statementTimeoutMs
        ? {
            statement_timeout: options.statementTimeoutMs,
            // The client gives up a little after the server would have: a lost connection too.
            query_timeout: options.statementTimeoutMs + 5_000,
          }
        : {}),
    },
  });
}

/** The pg pool TypeORM opened; the event store's hot paths use it directly. */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

/** Arbitrary but fixed: several instances starting together migrate one at a time. */
const MIGRATION_LOCK = 7_461_637_001;

export async function migrate(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
