import type { Response } from 'supertest';
import { storedEvents, useTestApp } from './support/test-app';

const SOHR = 'https://www.syriahr.com/en/deir-ezzor-airstrikes';

/** The Deir Ezzor toll, as the report that started Tally tells it. */
describe('the toll story', () => {
  const t = useTestApp();
  let id: string;
  let betweenRevisions: string;
  let filed: Response;
  let eventsAfterFiling: Awaited<ReturnType<typeof storedEvents>>;
  let revised: Response;
  let eventsAfterRevising: Awaited<ReturnType<typeof storedEvents>>;

  /** The story's two writes; every test reads what they left. */
  beforeAll(async () => {
    filed = await t
      .as('editor')
      .post('/reports')
      .send({
        title: 'US airstrikes on 27 positions in Deir Ezzor',
        location: 'Deir Ezzor',
        occurredAt: '2026-11-20T00:00:00+03:00',
        figures: [
          { measure: 'killed', value: 18 },
          { measure: 'positions_targeted', value: 27 },
        ],
        source: { url: SOHR, publisher: 'SOHR' },
        reportedAt: '2026-11-20T06:00:00Z',
        reason: 'first report',
      })
      .expect(201);
    id = filed.body.id;
    eventsAfterFiling = await storedEvents(t.db);
    await new Promise((r) => setTimeout(r, 30));
    betweenRevisions = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 30));
    revised = await t
      .as('editor')
      .post(`/reports/${id}/revisions`)
      .set('If-Match', '"1"')
      .send({
        reason: 'bodies retrieved',
        reportedAt: '2026-11-21T09:00:00Z',
        figures: [
          { measure: 'killed', value: 23 },
          { measure: 'killed', dimensions: { location: 'Al-Mayadeen' }, value: 13 },
          { measure: 'killed', dimensions: { location: 'Deir Ezzor countryside' }, value: 10 },
          { measure: 'killed', dimensions: { nationality: 'Syrian' }, value: 9 },
        ],
      })
      .expect(201);
    eventsAfterRevising = await storedEvents(t.db);
  });

  it('files the first report: 18 killed, 27 positions targeted', () => {
    const response = filed;
    expect(response.headers.etag).toBe('"1"');
    expect(response.headers.location).toBe(`/reports/${id}`);
    expect(response.body).toMatchObject({
      revision: 1,
      status: 'developing',
      occurredAt: '2026-11-19T21:00:00.000Z',
      figures: [
        { key: 'killed', measure: 'killed', dimensions: {}, value: 18 },
        { key: 'positions_targeted', measure: 'positions_targeted', dimensions: {}, value: 27 },
      ],
      sources: [{ url: SOHR, publisher: 'SOHR' }],
    });
    const events = eventsAfterFiling;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      stream_id: `report-${id}`,
      stream_version: 1,
      type: 'ReportFiled',
      metadata: {
        actor: 'eve',
        correlationId: response.headers['x-request-id'],
      },
      data: expect.objectContaining({
        reportedAt: '2026-11-20T06:00:00.000Z',
        source: { url: SOHR, publisher: 'SOHR' },
      }),
    });
    // Who and why only: what the source said is the event's data, not copied into its metadata.
    expect(Object.keys(events[0].metadata).sort()).toEqual([
      'actor',
      'causationId',
      'correlationId',
    ]);
  });

  it('revises the toll to 23 with the breakdown, and records who and why', () => {
    const response = revised;
    expect(response.headers.etag).toBe('"2"');
    expect(response.body.revision).toBe(2);
    expect(response.body.changes).toEqual([
      { path: 'figures.killed', from: 18, to: 23 },
      { path: 'figures.killed{location=Al-Mayadeen}', from: null, to: 13 },
      { path: 'figures.killed{location=Deir Ezzor countryside}', from: null, to: 10 },
      { path: 'figures.killed{nationality=Syrian}', from: null, to: 9 },
    ]);
    expect(response.body.report.figures.map((f: { key: string }) => f.key)).toEqual([
      'killed',
      'killed{location=Al-Mayadeen}',
      'killed{location=Deir Ezzor countryside}',
      'killed{nationality=Syrian}',
      'positions_targeted',
    ]);
    expect(eventsAfterRevising.map((e) => e.type)).toEqual(['ReportFiled', 'ReportRevised']);
  });

  it('shows the history of killed: null→18, then 18→23 with reason and actor', async () => {
    const response = await t.as('reader').get(`/reports/${id}/figures/killed/history`).expect(200);
    expect(response.body).toMatchObject({
      key: 'killed',
      nextCursor: null,
      items: [
        { revision: 1, from: null, to: 18, kind: 'filed', reason: 'first report', actor: 'eve' },
        {
          revision: 2,
          from: 18,
          to: 23,
          kind: 'update',
          reason: 'bodies retrieved',
          actor: 'eve',
          reportedAt: '2026-11-21T09:00:00.000Z',
        },
      ],
    });
    const encoded = encodeURIComponent('killed{location=Al-Mayadeen}');
    const breakdown = await t
      .as('reader')
      .get(`/reports/${id}/figures/${encoded}/history`)
      .expect(200);
    expect(breakdown.body.items).toMatchObject([{ revision: 2, from: null, to: 13 }]);
  });

  it('travels in time: revision 1 and a moment between the revisions show 18', async () => {
    for (const query of ['revision=1', `asOf=${betweenRevisions}`]) {
      const response = await t.as('reader').get(`/reports/${id}?${query}`).expect(200);
      expect(response.headers.etag).toBe('"1"');
      const first = { publisher: 'SOHR', reportedAt: '2026-11-20T06:00:00.000Z' };
      expect(response.body.figures).toEqual([
        { key: 'killed', measure: 'killed', dimensions: {}, value: 18, ...first },
        {
          key: 'positions_targeted',
          measure: 'positions_targeted',
          dimensions: {},
          value: 27,
          ...first,
        },
      ]);
    }
    const now = await t.as('reader').get(`/reports/${id}`);
    expect(now.headers.etag).toBe('"2"');
    expect(now.body.figures[0]).toMatchObject({
      key: 'killed',
      measure: 'killed',
      dimensions: {},
      value: 23,
    });
    await t.as('reader').get(`/reports/${id}?revision=3`).expect(404);
    await t.as('reader').get(`/reports/${id}?asOf=2000-01-01T00:00:00Z`).expect(404);
  });

  it('diffs revision 1 against 2: exactly the changed paths', async () => {
    const response = await t.as('reader').get(`/reports/${id}/diff?from=1&to=2`).expect(200);
    expect(response.body.from).toBe(1);
    expect(response.body.to).toBe(2);
    expect(response.body.changes.map((c: { path: string }) => c.path)).toEqual([
      'figures.killed',
      'figures.killed{location=Al-Mayadeen}',
      'figures.killed{location=Deir Ezzor countryside}',
      'figures.killed{nationality=Syrian}',
    ]);
    for (const path of [
      `/reports/${id}/diff?from=1&to=3`,
      `/reports/${id}/revisions/3`,
      `/reports/${id}/figures/injured/history`,
    ]) {
      const missing = await t.as('reader').get(path).expect(404);
      expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    await t.as('reader').get(`/reports/${id}/revisions/0`).expect(400);
  });

  it('lists the revisions with their hashes, and verifies the chain', async () => {
    const revisions = await t.as('reader').get(`/reports/${id}/revisions`).expect(200);
    expect(revisions.body.nextCursor).toBeNull();
    expect(revisions.body.items).toMatchObject([
      { revision: 1, kind: 'filed', actor: 'eve', source: { url: SOHR, publisher: 'SOHR' } },
      { revision: 2, kind: 'update', reason: 'bodies retrieved', source: null },
    ]);
    const one = await t.as('reader').get(`/reports/${id}/revisions/2`).expect(200);
    expect(one.body).toMatchObject({ revision: 2, report: { revision: 2 } });
    const verify = await t.as('reader').get(`/reports/${id}/verify`).expect(200);
    expect(verify.body).toEqual({
      valid: true,
      revisions: 2,
      head: revisions.body.items[1].hash,
    });
  });
});
