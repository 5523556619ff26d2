import { PostgresEventStore } from '@tally/event-store';
import { OWNER_POOL } from '../src/database/database.module';
import { rebuildOutdatedReadModels } from '../src/operations/projection-registry';
import { useTestApp } from './support/test-app';

const REPORT = '0f5e1c2a-3b4d-4e6f-8a9b-0c1d2e3f4a5b';
const SOHR = { url: 'https://www.syriahr.com/en/1', publisher: 'SOHR' };
const figure = (key: string, amount: number, dimensions: Record<string, string> = {}) => ({
  key,
  measure: key.split('{')[0],
  dimensions,
  amount,
});

/**
 * A stream recorded before claims (`ReportRevised` at schema version 1, figures set in the
 * order typed, metadata copying the reported time and source) and read models written then:
 * the events are never rewritten, fold to the states they always did, and the read models are
 * rebuilt from them.
 */
describe('streams recorded before claims', () => {
  const t = useTestApp();

  beforeAll(async () => {
    const store = new PostgresEventStore(t.db.pool);
    const stream = `report-${REPORT}`;
    const metadata = (reportedAt: string | null, source: object | null) => ({
      actor: 'eve',
      reportedAt,
      source,
    });
    await store.append(
      stream,
      'no-stream',
      [
        {
          type: 'ReportFiled',
          data: {
            title: 'Strikes',
            summary: null,
            location: 'Deir Ezzor',
            occurredAt: null,
            figures: [figure('killed', 18)],
            reason: 'first report',
            reportedAt: '2026-11-20T06:00:00.000Z',
            source: SOHR,
          },
        },
      ],
      metadata('2026-11-20T06:00:00.000Z', SOHR),
    );
    await store.append(
      stream,
      1,
      [
        {
          type: 'ReportRevised',
          data: {
            kind: 'update',
            reason: 'bodies retrieved',
            reportedAt: '2026-11-20T18:00:00.000Z',
            source: SOHR,
            details: {},
            figures: [figure('killed', 23), figure('killed{location=X}', 13, { location: 'X' })],
            removedFigures: [],
          },
        },
      ],
      metadata('2026-11-20T18:00:00.000Z', SOHR),
    );
    // Before claims, a revision typed later replaced the figure whatever its reported time.
    await store.append(
      stream,
      2,
      [
        {
          type: 'ReportRevised',
          data: {
            kind: 'update',
            reason: 'typed in late',
            reportedAt: '2026-11-20T12:00:00.000Z',
            source: null,
            details: { title: 'Strikes on Deir Ezzor' },
            figures: [figure('killed', 20)],
            removedFigures: ['killed{location=X}'],
          },
        },
      ],
      metadata('2026-11-20T12:00:00.000Z', null),
    );
    // The current report as the version before claims wrote it: a state without them.
    await t.db.pool.query(
      `INSERT INTO report_current (report_id, revision, status, location, search, state,
                                   created_at, updated_at)
       VALUES ($1, 3, 'developing', 'Deir Ezzor', to_tsvector('simple', 'Strikes'),
               '{"id": "x", "figures": []}', now(), now())`,
      [REPORT],
    );
  });

  it('rebuilds the read models written before claims, once', async () => {
    expect(await rebuildOutdatedReadModels(t.app.get(OWNER_POOL))).toBe(true);
    expect(await rebuildOutdatedReadModels(t.app.get(OWNER_POOL))).toBe(false);
  });

  it('folds them to the states they always folded to', async () => {
    const report = (await t.as('reader').get(`/reports/${REPORT}`).expect(200)).body;
    expect(report).toMatchObject({
      revision: 3,
      title: 'Strikes on Deir Ezzor',
      figures: [
        {
          key: 'killed',
          value: 20,
          publisher: 'unattributed',
          reportedAt: '2026-11-20T12:00:00.000Z',
        },
      ],
      sources: [SOHR],
    });
    const second = (await t.as('reader').get(`/reports/${REPORT}?revision=2`).expect(200)).body;
    expect(second.figures.map((f: { key: string; value: number }) => [f.key, f.value])).toEqual([
      ['killed', 23],
      ['killed{location=X}', 13],
    ]);
    const history = (
      await t.as('reader').get(`/reports/${REPORT}/figures/killed/history`).expect(200)
    ).body;
    expect(
      history.items.map((i: Record<string, unknown>) => [i.from, i.to, i.adopted, i.late]),
    ).toEqual([
      [null, 18, true, false],
      [18, 23, true, false],
      [23, 20, true, false],
    ]);
  });

  it('keeps the events as they were stored, and their chain whole', async () => {
    const { rows } = await t.db.pool.query(
      `SELECT schema_version, data ? 'figures' AS v1 FROM events
        WHERE stream_id = $1 AND type = 'ReportRevised' ORDER BY stream_version`,
      [`report-${REPORT}`],
    );
    expect(rows).toEqual([
      { schema_version: 1, v1: true },
      { schema_version: 1, v1: true },
    ]);
    const verify = await t.as('reader').get(`/reports/${REPORT}/verify`).expect(200);
    expect(verify.body).toMatchObject({ valid: true, revisions: 3 });
  });

  it('records new revisions at schema version 2, after the old ones', async () => {
    await t
      .as('editor')
      .post(`/reports/${REPORT}/revisions`)
      .send({ reason: 'r', figures: [{ measure: 'killed', value: 21 }], source: SOHR })
      .expect(201);
    const { rows } = await t.db.pool.query(
      `SELECT schema_version, data ? 'claims' AS v2, metadata ? 'reportedAt' AS copied
         FROM events WHERE stream_id = $1 AND stream_version = 4`,
      [`report-${REPORT}`],
    );
    expect(rows).toEqual([{ schema_version: 2, v2: true, copied: false }]);
    const verify = await t.as('reader').get(`/reports/${REPORT}/verify`).expect(200);
    expect(verify.body).toMatchObject({ valid: true, revisions: 4 });
  });
});
