import { PostgresEventStore } from '@tally/event-store';
import { createDataSource, migrate } from '../src/database/data-source';
import { useTestDatabase } from '../../../test/support/test-database';

describe('migrations', () => {
  const db = useTestDatabase();

  it('reverts the lean append to the streams table with every head, and applies it again', async () => {
    const store = new PostgresEventStore(db.pool);
    const a = await store.append('s-a', 'no-stream', [{ type: 'Counted', data: { n: 1 } }]);
    const b = await store.append('s-b', 'no-stream', [
      { type: 'Counted', data: { n: 1 } },
      { type: 'Counted', data: { n: 2 } },
    ]);
    const dataSource = createDataSource(db.url, { poolSize: 2 });
    await dataSource.initialize();
    try {
      await dataSource.undoLastMigration({ transaction: 'each' }); // the Merkle log
      await dataSource.undoLastMigration({ transaction: 'each' }); // the reported totals
      await dataSource.undoLastMigration({ transaction: 'each' }); // the reported time
      await dataSource.undoLastMigration({ transaction: 'each' }); // the claims
      await dataSource.undoLastMigration({ transaction: 'each' }); // the guarded events
      await dataSource.undoLastMigration({ transaction: 'each' }); // the lean append
      const { rows } = await db.pool.query(
        'SELECT stream_id, version, head_hash FROM streams ORDER BY stream_id',
      );
      expect(rows).toEqual([
        { stream_id: 's-a', version: 1, head_hash: a.events[0].hash },
        { stream_id: 's-b', version: 2, head_hash: b.events[1].hash },
      ]);
      // The first schema's append continues the chain where the new one left it.
      const { rows: appended } = await db.pool.query<{ stream_version: number; hash: string }>(
        `SELECT stream_version, hash FROM append_to_stream('s-b', 2,
           '[{"type":"Counted","schemaVersion":1,"data":{"n":3}}]', '{}', NULL, NULL)`,
      );
      expect(appended[0].stream_version).toBe(3);

      expect(await migrate(dataSource)).toEqual([
        'LeanAppend1764000000005',
        'GuardedEvents1764000000006',
        'Claims1764000000007',
        'ReportedTime1764000000008',
        'ReportedTotals1764000000009',
        'MerkleLog1764000000010',
      ]);
      await store.append('s-b', 3, [{ type: 'Counted', data: { n: 4 } }]);
      expect(await store.verifyStream('s-b')).toMatchObject({ valid: true, version: 4 });
      const { rows: left } = await db.pool.query(
        `SELECT to_regclass('streams') AS streams, to_regproc('append_to_stream') AS append`,
      );
      expect(left).toEqual([{ streams: null, append: null }]);
    } finally {
      await dataSource.destroy();
    }
  });
});
