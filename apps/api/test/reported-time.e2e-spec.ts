import { useTestApp, toll } from './support/test-app';

const SOHR = { url: 'https://www.syriahr.com/en/1', publisher: 'SOHR' };
const LOCAL = { url: 'https://network.example/1' };
const STATE = { url: 'https://state.example/1', publisher: 'State outlet' };

/**
 * Two timelines: what had been recorded by a time (`asOf`) and what the sources had said by a
 * time (`reportedAsOf`), apart and together.
 */
describe('reported time', () => {
  const t = useTestApp();
  let id: string;
  let beforeLate: string;
  const post = (path: string, body: object) => t.as('editor').post(path).send(body);
  const get = async (path: string) => (await t.as('reader').get(path).expect(200)).body;
  const killed = (report: { figures: { key: string; value?: number }[] }) =>
    report.figures.find((f) => f.key === 'killed')?.value;

  beforeAll(async () => {
    // Recorded in this order; reported on the 20th at 06:00, the 21st, the 20th at 12:00 (late).
    id = (
      await post('/reports', {
        title: 'Strikes',
        figures: [{ measure: 'killed', value: 18 }],
        source: SOHR,
        reportedAt: '2026-11-20T06:00:00Z',
      }).expect(201)
    ).body.id;
    await post(`/reports/${id}/revisions`, {
      reason: 'bodies retrieved',
      set: { title: 'Strikes on Deir Ezzor' },
      source: SOHR,
      reportedAt: '2026-11-21T06:00:00Z',
      figures: [
        { measure: 'killed', value: 23 },
        { measure: 'killed', dimensions: { location: 'الميادين' }, value: 13 },
      ],
    }).expect(201);
    await new Promise((r) => setTimeout(r, 20));
    beforeLate = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const typedInLate = toll(LOCAL, 20, '2026-11-20T12:00:00Z', 'typed in late');
    await post(`/reports/${id}/revisions`, typedInLate).expect(201);
    const lower = toll(STATE, 10, '2026-11-20T13:00:00Z', 'lower');
    await post(`/reports/${id}/claims`, lower).expect(201);
  });

  it('shows the report as its sources had it by a reported time', async () => {
    const noon = await get(`/reports/${id}?reportedAsOf=2026-11-20T14:00:00Z`);
    expect(noon).toMatchObject({
      reportedAsOf: '2026-11-20T14:00:00.000Z',
      revision: 4,
      title: 'Strikes',
      figures: [
        {
          key: 'killed',
          value: 20,
          publisher: 'network.example',
          reportedAt: '2026-11-20T12:00:00.000Z',
        },
      ],
    });
    expect(noon.sources).toEqual([SOHR, LOCAL, STATE]);
    const morning = await get(`/reports/${id}?reportedAsOf=2026-11-20T07:00:00Z`);
    expect(morning).toMatchObject({ revision: 1, figures: [{ key: 'killed', value: 18 }] });
    const later = await get(`/reports/${id}?reportedAsOf=2026-11-22T00:00:00Z`);
    expect(later.title).toBe('Strikes on Deir Ezzor');
    expect(later.figures.map((f: { key: string; value: number }) => [f.key, f.value])).toEqual([
      ['killed', 23],
      ['killed{location=الميادين}', 13],
    ]);
    // Everything reported by now is what the report says now.
    const now = await get(`/reports/${id}`);
    expect({ ...later, reportedAsOf: undefined }).toEqual({ ...now, reportedAsOf: undefined });
  });

  it('answers both questions together: recorded by asOf, reported by reportedAsOf', async () => {
    const both = await get(`/reports/${id}?asOf=${beforeLate}&reportedAsOf=2026-11-20T14:00:00Z`);
    expect(both).toMatchObject({ revision: 1, figures: [{ key: 'killed', value: 18 }] });
  });

  it('is 404 before anything was reported, and refuses a revision with it', async () => {
    await t.as('reader').get(`/reports/${id}?reportedAsOf=2026-11-19T00:00:00Z`).expect(404);
    await t
      .as('reader')
      .get(`/reports/${id}?revision=1&reportedAsOf=2026-11-20T14:00:00Z`)
      .expect(400);
    await t.as('reader').get(`/reports/${id}?reportedAsOf=noon`).expect(400);
  });

  it('gives the sources and a figure history as they stood by a reported time', async () => {
    const sources = await get(`/reports/${id}/sources?reportedAsOf=2026-11-20T14:00:00Z`);
    expect(sources.items.map((p: { publisher: string }) => p.publisher)).toEqual([
      'SOHR',
      'network.example',
      'State outlet',
    ]);
    expect(sources.items[0].figures).toEqual([
      { key: 'killed', amount: 18, reportedAt: '2026-11-20T06:00:00.000Z', revision: 1 },
    ]);
    const figure = await get(
      `/reports/${id}/figures/killed/sources?reportedAsOf=2026-11-20T14:00:00Z`,
    );
    expect(figure).toMatchObject({
      adopted: { amount: 20, publisher: 'network.example' },
      range: { min: 10, max: 20 },
    });
    const history = await get(
      `/reports/${id}/figures/killed/history?order=reported&reportedAsOf=2026-11-20T14:00:00Z`,
    );
    expect(history.items.map((i: { amount: number }) => i.amount)).toEqual([18, 20, 10]);
    expect(killed(await get(`/reports/${id}`))).toBe(23);
  });
});
