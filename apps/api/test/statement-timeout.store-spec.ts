import { createDataSource, poolOf } from '../src/database/data-source';
import { TestDatabase, createTestDatabase } from '../../../test/support/test-database';

describe('the server pool', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

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
});
