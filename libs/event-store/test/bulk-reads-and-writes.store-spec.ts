import { PostgresEventStore, copyRows } from '@tally/event-store';
import { useTestDatabase } from '../../../test/support/test-database';

describe('bulk paths of rebuilds: reading stream by stream, writing with COPY', () => {
  const db = useTestDatabase();
  let store: PostgresEventStore;

  beforeAll(() => {
    store = new PostgresEventStore(db.pool);
  });

  it('reads every event up to a head once, stream by stream, whatever comes after it', async () => {
    for (const [stream, n] of [
      ['s-b', 1],
      ['s-a', 1],
      ['s-c', 1],
      ['s-a', 2],
      ['s-b', 2],
      ['s-a', 3],
    ] as const) {
      await store.append(stream, n - 1, [{ type: n === 2 ? 'Skipped' : 'Counted', data: { n } }]);
    }
    const upTo = (await store.head())!;
    await store.append('s-a', 3, [{ type: 'Counted', data: { n: 4 } }]);
    await store.append('s-0', 'no-stream', [{ type: 'Counted', data: { n: 1 } }]);

    const seen: string[] = [];
    let after = null;
    for (;;) {
      const page = await store.readByStream({ after, upTo, limit: 2, types: ['Counted'] });
      if (page.events.length === 0) break;
      seen.push(...page.events.map((e) => `${e.streamId}@${e.streamVersion}`));
      after = page.position;
    }
    expect(seen).toEqual(['s-a@1', 's-a@3', 's-b@1', 's-c@1']);
  });

  it('copies rows of any text, JSON, time and NULL exactly as an INSERT would store them', async () => {
    await db.pool.query(
      'CREATE TABLE copied (id integer, label text, doc jsonb, at timestamptz, nothing text)',
    );
    const awkward = 'tab\there, line\nbreak, return\r, back\\slash, quote " and \\N';
    const rows = [
      [
        1,
        awkward,
        { text: awkward, list: [1, null, 'x'] },
        new Date('2026-11-26T10:00:00.123Z'),
        null,
      ],
      [2, '', 'null', '2026-11-26T10:00:00Z', undefined],
    ];
    const client = await db.pool.connect();
    try {
      await copyRows('copied', ['id', 'label', 'doc', 'at', 'nothing'], rows)(client);
      await copyRows('copied', ['id'], [])(client);
      expect(() => copyRows('copied', ['id', 'label'], [[3]])).toThrow(
        'a row of 1 values for 2 columns',
      );
      expect(() => copyRows('copied; DROP TABLE events', ['id'], [[3]])).toThrow(
        'not a plain identifier',
      );
    } finally {
      client.release();
    }
    const { rows: stored } = await db.pool.query(
      `SELECT id, label, doc, doc IS NULL AS sql_null, at, nothing FROM copied ORDER BY id`,
    );
    expect(stored).toEqual([
      {
        id: 1,
        label: awkward,
        doc: { text: awkward, list: [1, null, 'x'] },
        sql_null: false,
        at: new Date('2026-11-26T10:00:00.123Z'),
        nothing: null,
      },
      {
        id: 2,
        label: '',
        doc: null,
        sql_null: false,
        at: new Date('2026-11-26T10:00:00Z'),
        nothing: null,
      },
    ]);
  });
});
