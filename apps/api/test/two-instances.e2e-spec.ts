import { TestApp, createTestApp, storedEvents } from './support/test-app';

/**
 * Each instance starts a command from the state it last recorded, without a read. Another
 * instance's writes make that state stale; nothing it answers may show it.
 */
describe('two instances writing the same report', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp({}, { logLevel: 'silent' }, a.db);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  const revise = (t: TestApp, id: string, body: object, ifMatch?: number) => {
    const call = t.as('editor').post(`/reports/${id}/revisions`).send(body);
    return ifMatch === undefined ? call : call.set('If-Match', `"${ifMatch}"`);
  };
  const killed = (value: number) => ({ reason: 'news', figures: [{ measure: 'killed', value }] });

  it('decides on the latest revision, whichever instance wrote it', async () => {
    const { body: filed } = await a
      .as('editor')
      .post('/reports')
      .send({ title: 'Deir Ezzor', figures: [{ measure: 'killed', value: 18 }] })
      .expect(201);
    const id = filed.id as string;
    await revise(a, id, killed(20)).expect(201); // a remembers revision 2
    await revise(b, id, killed(23)).expect(201); // revision 3, unknown to a

    // If-Match names the real head: not a conflict, however far behind a's memory is.
    const matched = await revise(a, id, { reason: 'r', set: { summary: 'dawn' } }, 3).expect(201);
    expect(matched.body).toMatchObject({ revision: 4 });
    expect(matched.body.changes).toEqual([{ path: 'summary', from: null, to: 'dawn' }]);

    await revise(b, id, killed(30)).expect(201); // revision 5
    // On a's memory (23) this would be a change; on the report (30) it is none.
    const same = await revise(a, id, killed(30)).expect(200);
    expect(same.body).toMatchObject({ revision: 5, changes: [] });

    await revise(b, id, killed(31)).expect(201); // revision 6
    // Without If-Match: applied on top of revision 6, from 31, not from a's 30.
    const onTop = await revise(a, id, killed(35)).expect(201);
    expect(onTop.body).toMatchObject({ revision: 7 });
    expect(onTop.body.changes).toEqual([{ path: 'figures.killed', from: 31, to: 35 }]);

    // A stale If-Match is still a conflict, with the real head.
    const stale = await revise(a, id, killed(40), 6).expect(409);
    expect(stale.body).toMatchObject({ currentRevision: 7 });

    const versions = (await storedEvents(a.db)).map((e) => e.stream_version);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const history = await b.as('reader').get(`/reports/${id}/figures/killed/history`).expect(200);
    expect(history.body.items.map((i: { from: number; to: number }) => [i.from, i.to])).toEqual([
      [null, 18],
      [18, 20],
      [20, 23],
      [23, 30],
      [30, 31],
      [31, 35],
    ]);
  });
});
