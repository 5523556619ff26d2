import { EXAMPLE_REPORT_ID, ReportCommandRunner, seedExample } from '@tally/reports';
import { PG_POOL } from '../src/database/database.module';
import { storedEvents, useTestApp } from './support/test-app';

const EVENING = '2026-11-20T18:00:00.000Z';
const NIGHT = '2026-11-20T20:00:00.000Z';
const SOHR = { publisher: 'SOHR', url: 'https://www.syriahr.com/en/' };
const NETWORK = { publisher: 'Deir Ezzor Network', url: 'https://example.org/deir-ezzor-network' };

/** How a breakdown of the toll of 23 adds up, as `checks` says it. */
const checkOfTheToll = (dimension: string, parts: number, count: number, status: string) => ({
  measure: 'killed',
  dimension,
  total: 23,
  parts: { min: parts, max: parts },
  count,
  status,
  stale: false,
});

describe('the bundled Deir Ezzor example', () => {
  const t = useTestApp();

  it('is filed once, as three revisions, into an empty store only', async () => {
    const seed = () => seedExample(t.app.get(PG_POOL), t.app.get(ReportCommandRunner));
    expect(await seed()).toBe(EXAMPLE_REPORT_ID);
    expect(await seed()).toBeNull();
    expect((await storedEvents(t.db)).map((e) => e.type)).toEqual([
      'ReportFiled',
      'ReportRevised',
      'ReportRevised',
    ]);

    const revisions = await t
      .as('reader')
      .get(`/reports/${EXAMPLE_REPORT_ID}/revisions`)
      .expect(200);
    const [first, second] = revisions.body.items;
    expect(second).toMatchObject({ reason: 'bodies retrieved', actor: 'tally-example' });
    expect(Date.parse(second.reportedAt)).toBeGreaterThan(Date.parse(first.reportedAt));
    expect(second.changes).toEqual(
      expect.arrayContaining([
        { path: 'figures.killed', from: 18, to: 23 },
        { path: 'figures.killed{location=Al-Mayadeen}', from: null, to: 13 },
        { path: 'figures.killed{location=Deir Ezzor countryside}', from: null, to: 10 },
        { path: 'figures.killed{nationality=Syrian}', from: null, to: 9 },
      ]),
    );
    const now = await t.as('reader').get(`/reports/${EXAMPLE_REPORT_ID}`);
    expect(now.body.figures).toContainEqual({
      key: 'positions_targeted',
      measure: 'positions_targeted',
      dimensions: {},
      value: 27,
      publisher: 'SOHR',
      reportedAt: '2026-11-20T06:00:00.000Z',
    });
    // Breakdowns checked against the toll: by location complete, by nationality partial.
    expect(now.body.checks).toEqual([
      checkOfTheToll('location', 23, 2, 'complete'),
      checkOfTheToll('nationality', 9, 1, 'partial'),
    ]);
    // A second publisher's lower toll, side by side with the adopted one.
    const sources = await t
      .as('reader')
      .get(`/reports/${EXAMPLE_REPORT_ID}/figures/killed/sources`)
      .expect(200);
    expect(sources.body).toEqual({
      key: 'killed',
      adopted: { amount: 23, publisher: 'SOHR', reportedAt: EVENING, revision: 2 },
      range: { min: 21, max: 23 },
      claims: [
        { ...SOHR, amount: 23, reportedAt: EVENING, revision: 2, adopted: true },
        { ...NETWORK, amount: 21, reportedAt: NIGHT, revision: 3, adopted: false },
      ],
    });
  });
});
