import { useTestApp, toll } from './support/test-app';

const SOHR = { url: 'https://www.syriahr.com/en/1', publisher: 'SOHR' };
const SANA = { url: 'https://sana.example/en/1', publisher: 'State agency' };
const LOCAL = { url: 'https://network.example/1' };
const EVENING = '2026-11-20T18:00:00.000Z';

/**
 * Sources side by side over HTTP: SOHR's toll rises from 18 to 23, a state agency's lower claim
 * is recorded beside it, a late update from a local network does not lower the toll, a later
 * correction does.
 */
describe('claims, sources side by side, adoption', () => {
  const t = useTestApp();
  let id: string;
  const revisionTimes: string[] = [];

  const post = (path: string, body: object) => t.as('editor').post(path).send(body);
  const get = async (path: string) => (await t.as('reader').get(path).expect(200)).body;

  beforeAll(async () => {
    const filed = await post('/reports', {
      title: 'US airstrikes on 27 positions in Deir Ezzor',
      figures: [{ measure: 'killed', value: 18 }],
      source: SOHR,
      reportedAt: '2026-11-20T06:00:00Z',
    }).expect(201);
    id = filed.body.id;
    revisionTimes.push(new Date().toISOString());
    await post(`/reports/${id}/revisions`, {
      reason: 'bodies retrieved',
      source: SOHR,
      reportedAt: '2026-11-20T18:00:00Z',
      figures: [
        { measure: 'killed', value: 23 },
        { measure: 'killed', dimensions: { location: 'Al-Mayadeen' }, value: 13 },
        { measure: 'killed', dimensions: { location: 'countryside' }, value: 10 },
      ],
    }).expect(201);
    revisionTimes.push(new Date().toISOString());
  });

  it('records a claim revision beside the figures, never adopted', async () => {
    const claimed = await post(
      `/reports/${id}/claims`,
      toll(SANA, 18, '2026-11-21T08:00:00Z', 'the state agency counts fewer'),
    ).expect(201);
    expect(claimed.headers.etag).toBe('"3"');
    expect(claimed.body).toMatchObject({
      revision: 3,
      changes: [{ path: `sources.${SANA.url}`, from: null, to: SANA }],
      claims: [
        {
          key: 'killed',
          publisher: 'State agency',
          amount: 18,
          reportedAt: '2026-11-21T08:00:00.000Z',
          adopted: false,
          late: false,
        },
      ],
      report: { figures: expect.arrayContaining([expect.objectContaining({ value: 23 })]) },
    });
    const revisions = await get(`/reports/${id}/revisions`);
    expect(revisions.items[2]).toMatchObject({ kind: 'claim', claims: claimed.body.claims });
  });

  it('answers a repeat of the same claims with 200 and records nothing', async () => {
    const repeat = await post(
      `/reports/${id}/claims`,
      toll(SANA, 18, '2026-11-21T09:00:00Z', 'again'),
    ).expect(200);
    expect(repeat.body).toMatchObject({ revision: 3, changes: [], claims: [] });
  });

  it('refuses a claim without a source, and a claim on a report that does not exist', async () => {
    const refused = await post(`/reports/${id}/claims`, {
      reason: 'r',
      figures: [{ measure: 'killed', value: 1 }],
    }).expect(400);
    expect(refused.body.errors).toContainEqual(expect.objectContaining({ path: 'source' }));
    await post(`/reports/${id}/claims`, { reason: 'r', source: SANA, figures: [] }).expect(400);
    await post('/reports/7f1e2d3c-0000-4000-8000-000000000000/claims', {
      reason: 'r',
      source: SANA,
      figures: [{ measure: 'killed', value: 1 }],
    }).expect(404);
    await t
      .as('reader')
      .post(`/reports/${id}/claims`)
      .send({ reason: 'r', source: SANA, figures: [{ measure: 'killed', value: 1 }] })
      .expect(403);
  });

  it('records a late update without lowering the toll, and a later correction lowers it', async () => {
    const late = await post(
      `/reports/${id}/revisions`,
      toll(LOCAL, 20, '2026-11-20T12:00:00Z', 'backfilled from yesterday'),
    ).expect(201);
    expect(late.body.changes).toEqual([{ path: `sources.${LOCAL.url}`, from: null, to: LOCAL }]);
    expect(late.body.claims).toEqual([
      {
        key: 'killed',
        publisher: 'network.example',
        amount: 20,
        reportedAt: '2026-11-20T12:00:00.000Z',
        adopted: false,
        late: true,
      },
    ]);
    const report = await get(`/reports/${id}`);
    expect(report.figures[0]).toEqual({
      key: 'killed',
      measure: 'killed',
      dimensions: {},
      value: 23,
      publisher: 'SOHR',
      reportedAt: '2026-11-20T18:00:00.000Z',
    });
  });

  it('shows each publisher side by side, its latest claim per key', async () => {
    const sources = await get(`/reports/${id}/sources`);
    expect(sources.nextCursor).toBeNull();
    expect(sources.items.map((p: { publisher: string }) => p.publisher)).toEqual([
      'SOHR',
      'State agency',
      'network.example',
    ]);
    expect(sources.items[0]).toEqual({
      publisher: 'SOHR',
      urls: [SOHR.url],
      firstReportedAt: '2026-11-20T06:00:00.000Z',
      lastReportedAt: EVENING,
      figures: [
        { key: 'killed', amount: 23, reportedAt: EVENING, revision: 2 },
        { key: 'killed{location=Al-Mayadeen}', amount: 13, reportedAt: EVENING, revision: 2 },
        { key: 'killed{location=countryside}', amount: 10, reportedAt: EVENING, revision: 2 },
      ],
    });
    const paged = await get(`/reports/${id}/sources?limit=2`);
    expect(paged.items).toHaveLength(2);
    const rest = await get(`/reports/${id}/sources?limit=2&cursor=${paged.nextCursor}`);
    expect(rest).toMatchObject({ items: [{ publisher: 'network.example' }], nextCursor: null });
  });

  it("shows one figure's claims, the adopted one and their range", async () => {
    expect(await get(`/reports/${id}/figures/killed/sources`)).toEqual({
      key: 'killed',
      adopted: { amount: 23, publisher: 'SOHR', reportedAt: EVENING, revision: 2 },
      range: { min: 18, max: 23 },
      claims: [
        {
          publisher: 'SOHR',
          amount: 23,
          reportedAt: '2026-11-20T18:00:00.000Z',
          revision: 2,
          url: SOHR.url,
          adopted: true,
        },
        {
          publisher: 'State agency',
          amount: 18,
          reportedAt: '2026-11-21T08:00:00.000Z',
          revision: 3,
          url: SANA.url,
          adopted: false,
        },
        {
          publisher: 'network.example',
          amount: 20,
          reportedAt: '2026-11-20T12:00:00.000Z',
          revision: 4,
          url: LOCAL.url,
          adopted: false,
        },
      ],
    });
    await t.as('reader').get(`/reports/${id}/figures/injured/sources`).expect(404);
  });

  it('shows the sources as they stood after a revision or at a time', async () => {
    const atTwo = await get(`/reports/${id}/sources?revision=2`);
    expect(atTwo.items.map((p: { publisher: string }) => p.publisher)).toEqual(['SOHR']);
    const atFirst = await get(`/reports/${id}/figures/killed/sources?asOf=${revisionTimes[0]}`);
    expect(atFirst).toMatchObject({ adopted: { amount: 18 }, range: { min: 18, max: 18 } });
    // The book entered again from the revision log is the one the current state keeps.
    const current = (await get(`/reports/${id}`)).revision;
    expect(await get(`/reports/${id}/sources?revision=${current}`)).toEqual(
      await get(`/reports/${id}/sources`),
    );
    expect(await get(`/reports/${id}/figures/killed/sources?revision=${current}`)).toEqual(
      await get(`/reports/${id}/figures/killed/sources`),
    );
    await t.as('reader').get(`/reports/${id}/sources?asOf=2000-01-01T00:00:00Z`).expect(404);
    await t.as('reader').get(`/reports/${id}/sources?revision=99`).expect(404);
  });

  it('lists every claim in the figure history, by revision or by reported time', async () => {
    const byRevision = await get(`/reports/${id}/figures/killed/history`);
    expect(
      byRevision.items.map((i: Record<string, unknown>) => [
        i.revision,
        i.from,
        i.to,
        i.amount,
        i.publisher,
        i.adopted,
        i.late,
      ]),
    ).toEqual([
      [1, null, 18, 18, 'SOHR', true, false],
      [2, 18, 23, 23, 'SOHR', true, false],
      [3, 23, 23, 18, 'State agency', false, false],
      [4, 23, 23, 20, 'network.example', false, true],
    ]);
    const byReported = await get(`/reports/${id}/figures/killed/history?order=reported&limit=2`);
    expect(byReported.items.map((i: { revision: number }) => i.revision)).toEqual([1, 4]);
    const next = await get(
      `/reports/${id}/figures/killed/history?order=reported&limit=2&cursor=${byReported.nextCursor}`,
    );
    expect(next.items.map((i: { revision: number }) => i.revision)).toEqual([2, 3]);
    expect(next.nextCursor).toBeNull();
    const upToTwo = await get(`/reports/${id}/figures/killed/history?revision=2`);
    expect(upToTwo.items.map((i: { revision: number }) => i.revision)).toEqual([1, 2]);
    const atFirst = await get(`/reports/${id}/figures/killed/history?asOf=${revisionTimes[0]}`);
    expect(atFirst.items.map((i: { revision: number }) => i.revision)).toEqual([1]);
  });

  it('lowers the toll with a correction published later', async () => {
    const corrected = await post(`/reports/${id}/revisions`, {
      kind: 'correction',
      reason: 'five were counted twice',
      source: SOHR,
      reportedAt: '2026-11-22T08:00:00Z',
      figures: [{ measure: 'killed', value: 18 }],
    }).expect(201);
    expect(corrected.body.changes).toContainEqual({ path: 'figures.killed', from: 23, to: 18 });
    expect(corrected.body.claims).toMatchObject([{ amount: 18, adopted: true, late: false }]);
  });

  it('checks the breakdowns against the toll, and lists reports by what the checks find', async () => {
    // Now 18 against 13 + 10: the breakdown exceeds the corrected toll, and predates it.
    const report = await get(`/reports/${id}`);
    expect(report.checks).toEqual([
      {
        measure: 'killed',
        dimension: 'location',
        total: 18,
        parts: { min: 23, max: 23 },
        count: 2,
        status: 'exceeds',
        stale: true,
      },
    ]);
    const before = await get(`/reports/${id}?revision=2`);
    expect(before.checks).toMatchObject([{ status: 'complete', total: 23 }]);
    const revision = await get(`/reports/${id}/revisions/2`);
    expect(revision.report.checks).toMatchObject([{ status: 'complete' }]);

    const other = await post('/reports', {
      title: 'A toll that rose after its breakdown',
      figures: [
        { measure: 'killed', value: 10 },
        { measure: 'killed', dimensions: { location: 'a' }, value: 10 },
      ],
    }).expect(201);
    await post(`/reports/${other.body.id}/revisions`, {
      reason: 'more found',
      figures: [{ measure: 'killed', value: 12 }],
    }).expect(201);
    const exceeding = await get('/reports?check=exceeds');
    expect(exceeding.items.map((r: { id: string }) => r.id)).toEqual([id]);
    const stale = await get('/reports?check=stale');
    expect(stale.items.map((r: { id: string }) => r.id)).toEqual([other.body.id, id]);
    expect(stale.items[0].checks).toMatchObject([{ status: 'partial', stale: true }]);
    expect((await get('/reports')).items).toHaveLength(2);
  });
});
