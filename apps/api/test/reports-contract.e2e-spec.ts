import { storedEvents, useTestApp } from './support/test-app';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('reports: the contract, status by status', () => {
  const t = useTestApp();

  async function file(body: Record<string, unknown> = {}) {
    const response = await t
      .as('editor')
      .post('/reports')
      .send({ title: 'Strikes', figures: [{ measure: 'killed', value: 18 }], ...body })
      .expect(201);
    return response.body.id as string;
  }

  const revise = (id: string, body: Record<string, unknown>) =>
    t.as('editor').post(`/reports/${id}/revisions`).send(body);
  const statusChange = (id: string, change: 'retract' | 'restore', reason: string) =>
    t.as('editor').post(`/reports/${id}/${change}`).send({ reason });

  async function eventCount(): Promise<number> {
    return (await storedEvents(t.db)).length;
  }

  describe('authentication and roles', () => {
    it('refuses a missing or unknown token with 401 and a reader who writes with 403', async () => {
      const missing = await t.http().get('/reports').expect(401);
      expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(missing.body).toMatchObject({ status: 401, title: 'Unauthorized' });
      await t.http().get('/reports').set('Authorization', 'Bearer nope-nope-nope').expect(401);
      const before = await eventCount();
      const forbidden = await t.as('reader').post('/reports').send({ title: 'x' }).expect(403);
      expect(forbidden.body).toMatchObject({ status: 403, detail: 'this needs the editor role' });
      expect(await eventCount()).toBe(before);
    });

    it('serves /health, /docs and /docs-json without a token', async () => {
      expect((await t.http().get('/health').expect(200)).body).toMatchObject({ status: 'ok' });
      await t.http().get('/docs').expect(200);
      await t.http().get('/docs-json').expect(200);
    });
  });

  describe('bad input: a problem, never a 500, and nothing recorded', () => {
    it.each([
      ['malformed JSON', '{"title": ', 400],
      ['an unknown field', { title: 'x', colour: 'red' }, 400],
      ['a negative count', { title: 'x', figures: [{ measure: 'killed', value: -1 }] }, 400],
      ['a fractional count', { title: 'x', figures: [{ measure: 'killed', value: 1.5 }] }, 400],
      ['min over max', { title: 'x', figures: [{ measure: 'killed', min: 5, max: 3 }] }, 400],
      ['a title over 300 characters', { title: 'x'.repeat(301) }, 400],
      ['no title', { summary: 'x' }, 400],
      ['a time without a zone', { title: 'x', occurredAt: '2026-11-20T10:00:00' }, 400],
      ['a source that is not http', { title: 'x', source: { url: 'ftp://a.b/c' } }, 400],
      [
        'injected braces in a dimension',
        { title: 'x', figures: [{ measure: 'k', dimensions: { a: '}{' }, value: 1 }] },
        400,
      ],
      ['a NUL character', { title: 'a\u0000b' }, 400],
      ['a body over 1 MiB', { title: 'x', summary: 'y'.repeat(1024 * 1024 + 10) }, 413],
    ])('%s', async (_name, body, status) => {
      const before = await eventCount();
      const response = await t
        .as('editor')
        .post('/reports')
        .set('Content-Type', 'application/json')
        .send(typeof body === 'string' ? body : JSON.stringify(body))
        .expect(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        status,
        type: expect.any(String),
        title: expect.any(String),
      });
      expect(JSON.stringify(response.body)).not.toMatch(/at .*\.(js|ts):\d+/);
      expect(await eventCount()).toBe(before);
    });

    it('names the failing field by its path', async () => {
      const response = await t
        .as('editor')
        .post('/reports')
        .send({
          title: 'x',
          figures: [
            { measure: 'killed', value: 1 },
            { measure: 'killed', value: -1 },
          ],
        })
        .expect(400);
      expect(response.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: 'figures[1].value' })]),
      );
      const unknown = await t
        .as('editor')
        .post('/reports')
        .send({ title: 'x', colour: 'red' })
        .expect(400);
      expect(unknown.body.errors).toEqual([
        { path: 'colour', message: 'property should not exist' },
      ]);
    });

    it('answers 400 for a malformed id and 404 for an unknown one', async () => {
      const malformed = await t.as('reader').get('/reports/not-a-uuid').expect(400);
      expect(malformed.headers['content-type']).toMatch(/^application\/problem\+json/);
      const unknown = await t.as('reader').get(`/reports/${UNKNOWN}`).expect(404);
      expect(unknown.body).toMatchObject({
        status: 404,
        type: 'urn:tally:problem:report_not_found',
      });
      await revise(UNKNOWN, { reason: 'x', set: { title: 'y' } }).expect(404);
      await t.as('reader').get(`/reports/${UNKNOWN}/revisions`).expect(404);
      await t.as('reader').get(`/reports/${UNKNOWN}/verify`).expect(404);
    });

    it('checks query parameters before looking the report up', async () => {
      for (const query of [
        '?revision=abc',
        '?revision=0',
        '?revision=1.5',
        '?asOf=yesterday',
        '?revision=1&asOf=2026-11-20T00:00:00Z',
      ]) {
        await t.as('reader').get(`/reports/${UNKNOWN}${query}`).expect(400);
      }
      for (const query of ['from=2&to=1', 'from=0&to=1', 'from=1', 'from=a&to=2']) {
        await t.as('reader').get(`/reports/${UNKNOWN}/diff?${query}`).expect(400);
      }
      for (const query of [
        'limit=0',
        'limit=501',
        'limit=-1',
        'cursor=%25%25',
        'cursor=eyJ4IjoxfQ',
      ]) {
        await t.as('reader').get(`/reports/${UNKNOWN}/revisions?${query}`).expect(400);
      }
      await t.as('reader').get('/events?after=12').expect(400);
      await t.as('reader').get('/reports?status=lost').expect(400);
    });
  });

  describe('revisions', () => {
    it('records nothing for a revision that changes nothing: 200 with no changes', async () => {
      const id = await file();
      const before = await eventCount();
      const response = await revise(id, {
        reason: 'same again',
        figures: [{ measure: 'killed', value: 18 }],
      }).expect(200);
      expect(response.body).toMatchObject({ revision: 1, changes: [] });
      expect(response.headers.etag).toBe('"1"');
      expect(await eventCount()).toBe(before);
    });

    it('records a second outlet confirming an unchanged toll', async () => {
      const id = await file({ source: { url: 'https://a.example/1' } });
      const response = await revise(id, {
        reason: 'second outlet',
        source: { url: 'https://b.example/2', publisher: 'B' },
      }).expect(201);
      expect(response.body.changes).toEqual([
        {
          path: 'sources.https://b.example/2',
          from: null,
          to: { url: 'https://b.example/2', publisher: 'B' },
        },
      ]);
      expect(response.body.report.sources.map((s: { url: string }) => s.url)).toEqual([
        'https://a.example/1',
        'https://b.example/2',
      ]);
    });

    it('refuses a stale expected revision with 409 and the current revision', async () => {
      const id = await file();
      await revise(id, { reason: 'r', expectedRevision: 1, set: { title: 'A' } }).expect(201);
      const before = await eventCount();
      const stale = await revise(id, {
        reason: 'r',
        expectedRevision: 1,
        set: { title: 'B' },
      }).expect(409);
      expect(stale.body).toMatchObject({ status: 409, currentRevision: 2 });
      for (const [ifMatch, status] of [
        ['"1"', 409],
        ['soon', 400],
      ] as const) {
        await t
          .as('editor')
          .post(`/reports/${id}/revisions`)
          .set('If-Match', ifMatch)
          .send({ reason: 'r', set: { title: 'B' } })
          .expect(status);
      }
      expect(await eventCount()).toBe(before);
    });

    it('lets one of 20 concurrent revisions with the same expected revision win', async () => {
      const id = await file();
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          revise(id, {
            reason: `r${i}`,
            expectedRevision: 1,
            figures: [{ measure: 'killed', value: 100 + i }],
          }),
        ),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
      const events = (await storedEvents(t.db)).filter((e) => e.stream_id === `report-${id}`);
      expect(events.map((e) => e.stream_version)).toEqual([1, 2]);
    });

    it('lands all of 20 concurrent revisions without an expected revision', async () => {
      const id = await file();
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          revise(id, { reason: `r${i}`, figures: [{ measure: `m${i}`, value: i }] }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
      expect(responses.map((r) => r.body.revision).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 2),
      );
      const now = await t.as('reader').get(`/reports/${id}`);
      expect(now.body.revision).toBe(21);
      expect(now.body.figures).toHaveLength(21);
      const verify = await t.as('reader').get(`/reports/${id}/verify`);
      expect(verify.body).toMatchObject({ valid: true, revisions: 21 });
    });

    it('retracts, refuses a revision while retracted, then restores', async () => {
      const id = await file();
      await revise(id, { reason: 'confirmed', set: { status: 'confirmed' } }).expect(201);
      const retracted = await statusChange(id, 'retract', 'duplicate of another report').expect(
        201,
      );
      expect(retracted.body).toMatchObject({
        revision: 3,
        changes: [{ path: 'status', from: 'confirmed', to: 'retracted' }],
      });
      const refused = await revise(id, { reason: 'r', set: { title: 'x' } }).expect(409);
      expect(refused.body.type).toBe('urn:tally:problem:report_retracted');
      await revise(id, { reason: 'r', set: { status: 'retracted' } }).expect(400);
      const restored = await statusChange(id, 'restore', 'not a duplicate').expect(201);
      expect(restored.body).toMatchObject({
        revision: 4,
        changes: [{ path: 'status', from: 'retracted', to: 'confirmed' }],
        report: { status: 'confirmed' },
      });
      await statusChange(id, 'restore', 'again').expect(409);
      const kinds = await t.as('reader').get(`/reports/${id}/revisions`);
      expect(kinds.body.items.map((r: { kind: string }) => r.kind)).toEqual([
        'filed',
        'update',
        'retraction',
        'restoration',
      ]);
    });
  });

  describe('idempotency', () => {
    it('replays the first response for a repeated key and body, and records once', async () => {
      const send = (title: string) =>
        t
          .as('editor')
          .post('/reports')
          .set('Idempotency-Key', 'file-deir-ezzor-1')
          .send({ title, figures: [{ measure: 'killed', value: 18 }] });
      const first = await send('Strikes on Deir Ezzor').expect(201);
      const before = await eventCount();
      const again = await send('Strikes on Deir Ezzor').expect(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.etag).toBe('"1"');
      expect(await eventCount()).toBe(before);
      const changed = await send('Strikes elsewhere').expect(422);
      expect(changed.body.status).toBe(422);
      expect(await eventCount()).toBe(before);

      const id = first.body.id;
      const reviseOnce = (value: number) =>
        t
          .as('editor')
          .post(`/reports/${id}/revisions`)
          .set('Idempotency-Key', 'toll-23')
          .send({ reason: 'bodies retrieved', figures: [{ measure: 'killed', value }] });
      const revised = await reviseOnce(23).expect(201);
      await revise(id, { reason: 'later', set: { title: 'later' } }).expect(201);
      const replayed = await reviseOnce(23).expect(201);
      expect(replayed.body).toEqual(revised.body);
      await reviseOnce(24).expect(422);
    });

    it('replays a command that changed nothing as it was answered, whatever was written since', async () => {
      const id = await file({ title: 'Toll', figures: [{ measure: 'killed', value: 18 }] });
      const confirm = () =>
        t
          .as('editor')
          .post(`/reports/${id}/revisions`)
          .set('Idempotency-Key', 'toll-still-18')
          .send({ reason: 'toll confirmed', figures: [{ measure: 'killed', value: 18 }] });
      const first = await confirm().expect(200);
      expect(first.body).toMatchObject({ revision: 1, changes: [] });

      // Another writer changes the toll; a retry of the first command must not set it back.
      await revise(id, {
        reason: 'bodies retrieved',
        figures: [{ measure: 'killed', value: 23 }],
      }).expect(201);
      const before = await eventCount();
      const again = await confirm().expect(200);
      expect(again.body).toEqual(first.body);
      expect(again.headers.etag).toBe('"1"');
      expect(await eventCount()).toBe(before);
      const now = await t.as('reader').get(`/reports/${id}`);
      expect(now.body.figures).toEqual([expect.objectContaining({ key: 'killed', value: 23 })]);

      // The key is spent on that body: another body is still a 422.
      await t
        .as('editor')
        .post(`/reports/${id}/revisions`)
        .set('Idempotency-Key', 'toll-still-18')
        .send({ reason: 'toll confirmed', figures: [{ measure: 'killed', value: 19 }] })
        .expect(422);
    });
  });

  describe('text', () => {
    it('round-trips Arabic, Kurdish and SQL metacharacters byte for byte', async () => {
      const title = 'غارات أمريكية على 27 موقعاً في دير الزور';
      const summary = `Robert'); DROP TABLE events;-- \\ % _ $1 ' " ; ئەمە کوردییە 💥`;
      const id = await file({ title, summary, location: 'دير الزور' });
      const response = await t.as('reader').get(`/reports/${id}`);
      expect(response.body).toMatchObject({ title, summary, location: 'دير الزور' });
      const found = await t
        .as('reader')
        .get(`/reports?location=${encodeURIComponent('دير الزور')}`)
        .expect(200);
      expect(found.body.items.map((r: { id: string }) => r.id)).toContain(id);
    });
  });

  describe('lists', () => {
    it('pages reports newest change first, with filters', async () => {
      const ids = [];
      for (let i = 0; i < 3; i++)
        ids.push(await file({ title: `Listed report ${i}`, location: 'Listville' }));
      await revise(ids[0], { reason: 'r', set: { summary: 'airstrike aftermath' } }).expect(201);
      const first = await t.as('reader').get('/reports?location=Listville&limit=2').expect(200);
      expect(first.body.items.map((r: { id: string }) => r.id)).toEqual([ids[0], ids[2]]);
      const second = await t
        .as('reader')
        .get(`/reports?location=Listville&limit=2&cursor=${first.body.nextCursor}`)
        .expect(200);
      expect(second.body).toEqual({
        items: [expect.objectContaining({ id: ids[1] })],
        nextCursor: null,
      });
      const searched = await t.as('reader').get('/reports?q=aftermath').expect(200);
      expect(searched.body.items.map((r: { id: string }) => r.id)).toEqual([ids[0]]);
    });

    it('serves the global log in pages whose positions chain', async () => {
      const total = await eventCount();
      const all: { position: string; type: string }[] = [];
      let after = '';
      const deadline = Date.now() + 10_000;
      // A follower: a short page means "nothing more yet" (a transaction elsewhere on the
      // server may still hold newer events back), so it keeps polling from its last position.
      while (all.length < total && Date.now() < deadline) {
        const page = await t
          .as('reader')
          .get(`/events?limit=3${after && `&after=${after}`}`)
          .expect(200);
        all.push(...page.body.items);
        if (page.body.items.length > 0)
          after = page.body.items[page.body.items.length - 1].position;
        if (page.body.nextCursor !== null) expect(page.body.nextCursor).toBe(after);
        else await new Promise((r) => setTimeout(r, 20));
      }
      expect(all).toHaveLength(total);
      expect(new Set(all.map((e) => e.position)).size).toBe(all.length);
      expect(all[0]).toMatchObject({
        type: 'ReportFiled',
        revision: 1,
        metadata: { actor: 'eve' },
      });
    });
  });

  describe('audit', () => {
    async function behindTheTrigger(sql: string, params: unknown[]): Promise<void> {
      const client = await t.db.pool.connect();
      try {
        await client.query('SET session_replication_role = replica');
        await client.query(sql, params);
      } finally {
        await client.query('SET session_replication_role = origin');
        client.release();
      }
    }

    const verify = (id: string) => t.as('reader').get(`/reports/${id}/verify`).expect(200);

    it('reports the revision whose stored event was altered', async () => {
      const id = await file();
      await revise(id, { reason: 'r', figures: [{ measure: 'killed', value: 23 }] }).expect(201);
      await behindTheTrigger(
        `UPDATE events SET data = jsonb_set(data, '{claims,0,amount}', '19')
          WHERE stream_id = $1 AND stream_version = 2`,
        [`report-${id}`],
      );
      expect((await verify(id)).body).toEqual({
        valid: false,
        brokenAt: 2,
        reason: 'content does not match its hash',
      });
      await expect(
        t.db.pool.query('UPDATE events SET data = data WHERE stream_id = $1', [`report-${id}`]),
      ).rejects.toThrow(/append-only/);
    });

    it('reports the last revision missing when its event was removed', async () => {
      const id = await file();
      await revise(id, { reason: 'r', figures: [{ measure: 'killed', value: 23 }] }).expect(201);
      await behindTheTrigger('DELETE FROM events WHERE stream_id = $1 AND stream_version = 2', [
        `report-${id}`,
      ]);
      expect((await verify(id)).body).toEqual({
        valid: false,
        brokenAt: 2,
        reason: 'event missing',
      });
    });
  });
});
