import request from 'supertest';
import { parseApiKeys } from '../src/config/tally-config';
import { TOKENS, createTestApp, useTestApp } from './support/test-app';

/**
 * The web app over HTTP: sessions, pages read through the queries, the editor's desk through the
 * command bus, a stale form's conflict, errors as pages. (A real browser drives the same story in
 * `web-browser.e2e-spec.ts`.)
 */
describe('web pages', () => {
  const t = useTestApp();
  const agent = () => request.agent(t.app.getHttpServer());
  /** A form posted as a browser posts it. */
  const submit = (browser: ReturnType<typeof agent>, path: string, fields: object) =>
    browser.post(path).type('form').send(fields);
  /** The desk's revision form, posted for the report the first spec files. */
  const revise = (browser: ReturnType<typeof agent>, csrf: string, fields: object) =>
    submit(browser, `/ui/reports/${id}/revise`, { _csrf: csrf, ...fields });
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

  async function signedIn(role: keyof typeof TOKENS) {
    const browser = agent();
    const response = await submit(browser, '/ui/sign-in', {
      token: TOKENS[role],
      next: '/',
    }).expect(303);
    expect(response.headers.location).toBe('/');
    const cookie = response.headers['set-cookie'][0];
    expect(cookie).toMatch(/^tally_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toContain(TOKENS[role]);
    const home = await browser.get('/').expect(200);
    return { browser, csrf: csrfOf(home.text) };
  }

  it('sends who is not signed in to sign in, and refuses a key that is none', async () => {
    const browser = agent();
    const home = await browser.get('/').expect(303);
    expect(home.headers.location).toBe('/ui/sign-in?next=%2F');
    const page = await browser.get('/ui/sign-in').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const refused = await submit(browser, '/ui/sign-in', { token: 'not-a-key' }).expect(401);
    expect(refused.text).toContain('not one of this server');
    expect(refused.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a forged or altered session cookie', async () => {
    const { browser } = await signedIn('reader');
    const forged = Buffer.from('ana').toString('base64url');
    for (const cookie of [
      `tally_session=${forged}.9999999999.AAAA`,
      `tally_session=${forged}.9999999999.${'x'.repeat(43)}`,
    ]) {
      await request(t.app.getHttpServer()).get('/').set('Cookie', cookie).expect(303);
    }
    await browser.get('/').expect(200);
  });

  let id: string;

  it('files a report, records the toll rising and a second source, from the desk', async () => {
    const { browser, csrf } = await signedIn('editor');
    const form = await browser.get('/ui/new').expect(200);
    expect(form.text).toContain('File a report');
    const filed = await submit(browser, '/ui/reports', {
      _csrf: csrf,
      title: 'US airstrikes on 27 positions in Deir Ezzor',
      location: 'Deir Ezzor',
      figures: 'killed = 18',
      sourceUrl: 'https://www.syriahr.com/en/1',
      sourcePublisher: 'SOHR',
      reportedAt: '2026-11-20T06:00',
      reason: 'first report',
    }).expect(303);
    id = /\/ui\/reports\/([0-9a-f-]{36})$/.exec(filed.headers.location)![1];
    const revised = await revise(browser, csrf, {
      expectedRevision: '1',
      kind: 'update',
      figures: 'killed = 23\nkilled{location=الميادين} = 13\nkilled{location=countryside} = 10',
      sourceUrl: 'https://www.syriahr.com/en/2',
      sourcePublisher: 'SOHR',
      reportedAt: '2026-11-21T06:00',
      reason: 'bodies retrieved',
    }).expect(303);
    expect(revised.headers.location).toBe(`/ui/reports/${id}#r2`);
    await revise(browser, csrf, {
      expectedRevision: '2',
      kind: 'claim',
      figures: 'killed = 21',
      sourceUrl: 'https://network.example/1',
      sourcePublisher: 'Deir Ezzor Network',
      reportedAt: '2026-11-21T08:00',
      reason: 'a lower count',
    }).expect(303);
    const api = await t.as('reader').get(`/reports/${id}`).expect(200);
    expect(api.body).toMatchObject({
      revision: 3,
      figures: expect.arrayContaining([expect.objectContaining({ key: 'killed', value: 23 })]),
    });
  });

  it('shows the report: figures, checks in words, timelines, sources side by side, the log', async () => {
    const { browser } = await signedIn('reader');
    const { text } = await browser.get(`/ui/reports/${id}`).expect(200);
    expect(text).toContain('US airstrikes on 27 positions in Deir Ezzor');
    expect(text).toMatch(/killed: (13 \+ 10|10 \+ 13) = 23 by location: complete/);
    expect(text).toContain('<svg class="chart"');
    expect(text).toContain('href="#r2"');
    expect(text).toContain('Deir Ezzor Network');
    expect(text).toMatch(/23 <span class="tag">adopted<\/span>/);
    expect(text).toContain('id="r3"');
    expect(text).toContain('bodies retrieved');
    expect(text).toContain('dir="auto"');
    expect(text).not.toContain("Editor's desk");
    const recorded = await browser.get(`/ui/reports/${id}?axis=recorded`).expect(200);
    expect(recorded.text).toContain('<strong>recorded time</strong>');
  });

  it('travels to a revision, to a time on either axis, and verifies the chain', async () => {
    const { browser } = await signedIn('reader');
    const first = await browser.get(`/ui/reports/${id}?revision=1`).expect(200);
    expect(first.text).toContain('You are looking at revision 1');
    expect(first.text).toMatch(/<td class="num">18<\/td>/);
    const reported = await browser
      .get(`/ui/reports/${id}?reportedAsOf=2026-11-20T12:00`)
      .expect(200);
    expect(reported.text).toContain('what the sources had said by 2026-11-20 12:00 UTC');
    expect(reported.text).toMatch(/<td class="num">18<\/td>/);
    const verified = await browser.get(`/ui/reports/${id}?verify=1`).expect(200);
    expect(verified.text).toContain('Verified: the chain of 3 revisions');
    await browser.get(`/ui/reports/${id}?revision=x`).expect(400);
    await browser.get(`/ui/reports/${id}?revision=9999999999`).expect(400);
    await browser.get(`/ui/reports/${id}?before=99999999999`).expect(200);
    await browser.get(`/ui/reports/${id}/diff?from=1&to=9999999999`).expect(400);
    for (const time of ['0000-01-01T00:00', '2026-02-30T10:00', 'soon', '2026-11-20T25:00']) {
      await browser.get(`/ui/reports/${id}?asOf=${time}`).expect(400);
      await browser.get(`/ui/reports/${id}?reportedAsOf=${time}`).expect(400);
    }
    await browser.get(`/ui/reports/${id}?revision=1&asOf=2026-11-20T00:00`).expect(400);
  });

  it('diffs two revisions side by side, the changed rows marked', async () => {
    const { browser } = await signedIn('reader');
    const { text } = await browser.get(`/ui/reports/${id}/diff?from=1&to=2`).expect(200);
    expect(text).toMatch(
      /<tr class="changed"><th scope="row" dir="auto">killed <span class="tag">changed<\/span><\/th><td dir="auto">18<\/td><td dir="auto">23<\/td>/,
    );
    expect(text).toMatch(/<tr class=""><th scope="row" dir="auto">title<\/th>/);
    await browser.get(`/ui/reports/${id}/diff?from=2&to=2`).expect(400);
  });

  it('shows a stale form what changed instead of overwriting, and keeps what was typed', async () => {
    const { browser, csrf } = await signedIn('editor');
    const opened = { expectedRevision: '1', kind: 'correction', figures: 'killed = 19' };
    const response = await revise(browser, csrf, { ...opened, reason: 'typo' }).expect(409);
    expect(response.text).toContain('Someone changed this report');
    expect(response.text).toMatch(
      /<th scope="row" dir="auto">figures\.killed<\/th><td dir="auto">18<\/td><td dir="auto">23<\/td>/,
    );
    expect(response.text).toContain('killed = 19');
    expect(response.text).toContain('name="expectedRevision" value="3"');
    const api = await t.as('reader').get(`/reports/${id}`).expect(200);
    expect(api.body.revision).toBe(3);
  });

  it('says what is wrong with a form and records nothing', async () => {
    const { browser, csrf } = await signedIn('editor');
    const notFigures = { kind: 'update', figures: 'killed is many', reason: 'r' };
    const response = await revise(browser, csrf, { expectedRevision: '3', ...notFigures });
    expect(response.status).toBe(400);
    expect(response.text).toContain('figures, line 1');
    const blank = await submit(browser, '/ui/reports', { _csrf: csrf, title: '' }).expect(400);
    expect(blank.text).toContain('title');
    expect((await t.as('reader').get(`/reports/${id}`).expect(200)).body.revision).toBe(3);
  });

  it('refuses a form without its session token, and a reader at the desk', async () => {
    const editor = await signedIn('editor');
    await submit(editor.browser, `/ui/reports/${id}/retract`, {
      reason: 'duplicate',
      expectedRevision: '3',
    }).expect(403);
    const reader = await signedIn('reader');
    const desk = await reader.browser.get(`/ui/reports/${id}/revise`).expect(403);
    expect(desk.text).toContain('<h1>The editor&#39;s desk is for editors</h1>');
    expect(desk.text).toContain('rae (reader)');
    await submit(reader.browser, `/ui/reports/${id}/retract`, {
      _csrf: reader.csrf,
      reason: 'duplicate',
      expectedRevision: '3',
    }).expect(403);
    expect((await t.as('reader').get(`/reports/${id}`).expect(200)).body.status).not.toBe(
      'retracted',
    );
  });

  it('retracts and restores from the report page', async () => {
    const { browser, csrf } = await signedIn('editor');
    await submit(browser, `/ui/reports/${id}/retract`, {
      _csrf: csrf,
      reason: 'duplicate',
      expectedRevision: '3',
    }).expect(303);
    const page = await browser.get(`/ui/reports/${id}`).expect(200);
    expect(page.text).toContain('status-retracted');
    await submit(browser, `/ui/reports/${id}/restore`, {
      _csrf: csrf,
      reason: 'not a duplicate',
      expectedRevision: '4',
    }).expect(303);
  });

  it('lists reports with their toll, searched and filtered', async () => {
    const { browser } = await signedIn('reader');
    const all = await browser.get('/').expect(200);
    expect(all.text).toContain('killed 23');
    const found = await browser.get('/?q=airstrikes&status=developing').expect(200);
    expect(found.text).toContain(`/ui/reports/${id}`);
    const none = await browser.get('/?q=nothing-like-it').expect(200);
    expect(none.text).toContain('No report matches');
    await browser.get('/?cursor=garbage').expect(400);
  });

  it('answers a missing report, page or file with a page, not JSON', async () => {
    const { browser } = await signedIn('reader');
    for (const path of [
      '/ui/reports/00000000-0000-4000-8000-000000000000',
      '/ui/reports/not-a-uuid',
      '/ui/nowhere',
      '/ui/assets/nothing.css',
    ]) {
      const response = await browser.get(path).expect(404);
      expect(response.headers['content-type']).toMatch(/text\/html/);
      expect(response.text).toContain('<h1>');
    }
    const json = await browser
      .get('/ui/reports/00000000-0000-4000-8000-000000000000')
      .set('Accept', 'application/json')
      .expect(404);
    expect(json.headers['content-type']).toMatch(/application\/problem\+json/);
    const css = await browser.get('/ui/assets/tally.css').expect(200);
    expect(css.headers['content-type']).toMatch(/text\/css/);
  });

  it('lets anyone read, and nobody write, under TALLY_PUBLIC_READ', async () => {
    const open = await createTestApp(
      { publicRead: true, apiKeys: parseApiKeys(`eve:editor:${TOKENS.editor}`) },
      { logLevel: 'silent' },
      t.db,
    );
    try {
      const visitor = request.agent(open.app.getHttpServer());
      const page = await visitor.get(`/ui/reports/${id}`).expect(200);
      expect(page.text).toContain('US airstrikes on 27 positions in Deir Ezzor');
      expect(page.text).not.toContain("Editor's desk");
      await visitor.get('/ui/new').expect(303);
    } finally {
      await open.close();
    }
  });

  it('refuses what the API refuses, with a page, and answers API clients with problem details', async () => {
    const { browser } = await signedIn('reader');
    for (const path of ['/?q=a%00b', '/?location=x%00', `/ui/reports/${id}?constructor=x`]) {
      const response = await browser.get(path).expect(400);
      expect(response.headers['content-type']).toMatch(/text\/html/);
    }
    const anonymous = await request(t.app.getHttpServer())
      .post('/ui/reports')
      .set('Accept', 'application/json')
      .send({ title: 'x' })
      .expect(401);
    expect(anonymous.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('signs out: the session ends', async () => {
    const { browser, csrf } = await signedIn('reader');
    const out = await submit(browser, '/ui/sign-out', { _csrf: csrf }).expect(303);
    expect(out.headers['set-cookie'][0]).toMatch(/tally_session=;/);
    await browser.get('/').expect(303);
  });
});
