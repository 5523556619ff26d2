import { createDataSource, poolOf } from '../src/database/data-source';
import { useTestDatabase } from '../../../test/support/test-database';

describe('the server pool', () => {
  const db = useTestDatabase();

  it('cancels a statement that runs past the statement timeout', async () => {
    const dataSource = createDataSource(db.url, { statementTimeoutMs: 200 });
    await dataSource.initialize();
    try {
      await expect(poolOf(dataSource).query('SELECT pg_sleep(2)')).rejects.toMatchObject({
        code: '57014',
      });
      await expect(poolOf(dataSource).query('SELECT 1 AS ok')).resolves.toMatchObject({
        rows: [{ ok: 1 }],
      });
    } finally {
      await dataSource.destroy();
    }
  });

  it('ends a transaction left idle, and sets the session timeouts on every connection', async () => {
    const dataSource = createDataSource(db.url, { statementTimeoutMs: 200 });
    await dataSource.initialize();
    try {
      const client = await poolOf(dataSource).connect();
      try {
        const { rows } = await client.query<{ idle: string; statement: string }>(
          `SELECT current_setting('idle_in_transaction_session_timeout') AS idle,
                  current_setting('statement_timeout') AS statement`,
        );
        expect(rows[0]).toEqual({ idle: '1min', statement: '200ms' });
      } finally {
        client.release();
      }
    } finally {
      await dataSource.destroy();
    }
  });

  it('gives up connecting to a host that does not answer within seconds', async () => {
    // A non-routable address: the connection neither succeeds nor is refused.
    const dataSource = createDataSource('postgres://tally@10.255.255.1:5432/tally', {
      statementTimeoutMs: 200,
    });
    const started = Date.now();
    await expect(dataSource.initialize()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
