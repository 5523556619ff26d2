import { EXAMPLE_REPORT_ID, ReportCommandRunner, seedExample } from '@tally/reports';
import { PG_POOL } from '../src/database/database.module';
import { storedEvents, useTestApp } from './support/test-app';

describe('the bundled Deir Ezzor example', () => {
  const t = useTestApp();

  it('is filed once, as two revisions, into an empty store only', async () => {
    const seed = () => seedExample(t.app.get(PG_POOL), t.app.get(ReportCommandRunner));
    expect(await seed()).toBe(EXAMPLE_REPORT_ID);
    expect(await seed()).toBeNull();
    expect((await storedEvents(t.db)).map((e) => e.type)).toEqual(['ReportFiled', 'ReportRevised']);

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
    });
  });
});
