import request from 'supertest';
import { TOKENS, fileTarget, useTestApp } from './support/test-app';
/**
 * Odd input on every page, form, digest and proof route: a 4xx, never a 500 (the API's routes
 * are covered the same way by bad-input.e2e-spec.ts).
 */
describe('the web app and the digests, given odd input', () => {
  const t = useTestApp();
  it('answer every odd value and form with a 4xx, never a 500', async () => {
    const id = await fileTarget(t, 'x');
    const agent = request.agent(t.app.getHttpServer());
    await agent.post('/ui/sign-in').type('form').send({ token: TOKENS.editor }).expect(303);
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await agent.get('/')).text)?.[1] ?? '';
    const odd = [
      '',
      '0',
      '-1',
      '1.5',
      '1e9',
      '99999999999999999999',
      'x',
      '%00',
      '%',
      '[]',
      '{}',
      'true',
      '2026-13-45',
      '2026-11-20T10:00',
      'ا',
      '%F0%9F%98%80',
      'null',
      '..%2F..',
      "' OR 1=1",
    ];
    const paths: string[] = [];
    for (const v of odd) {
      paths.push(
        `/?q=${v}`,
        `/?status=${v}`,
        `/?check=${v}`,
        `/?location=${v}`,
        `/?cursor=${v}`,
        `/ui/reports/${v}`,
        `/ui/reports/${id}?revision=${v}`,
        `/ui/reports/${id}?asOf=${v}`,
        `/ui/reports/${id}?reportedAsOf=${v}`,
        `/ui/reports/${id}?before=${v}`,
        `/ui/reports/${id}?axis=${v}&verify=${v}`,
        `/ui/reports/${id}/diff?from=${v}&to=1`,
        `/ui/reports/${id}/diff?from=1&to=${v}`,
        `/ui/reports/${id}/revise?x=${v}`,
        `/ui/sign-in?next=${v}`,
        `/ui/assets/${v}`,
        `/digests/${v}`,
        `/digests/${v}/consistency/1`,
        `/reports/${id}/revisions/${v}/proof?digest=1`,
        `/reports/${id}/revisions/1/proof?digest=${v}`,
      );
    }
    const bad: string[] = [];
    for (const p of paths) {
      let res;
      try {
        res = await agent.get(p).set('Authorization', `Bearer ${TOKENS.admin}`);
      } catch {
        continue;
      }
      if (res.status >= 500) bad.push(`${res.status} GET ${p}`);
    }
    const bodies: object[] = [
      {},
      { _csrf: csrf },
      { _csrf: csrf, figures: 'killed = 99999999999999999999' },
      { _csrf: csrf, figures: 'killed{=} = 1' },
      { _csrf: csrf, figures: 'killed{a=b,a=c} = 1', kind: 'update', reason: 'r' },
      { _csrf: csrf, reportedAt: '0000-01-01T00:00', title: 't' },
      {
        _csrf: csrf,
        expectedRevision: '99999999999',
        reason: 'r',
        kind: 'update',
        figures: 'killed = 1',
      },
      { _csrf: csrf, sourceUrl: 'javascript:alert(1)', title: 't' },
      { _csrf: csrf, title: 'x'.repeat(20000) },
      { _csrf: csrf, reason: 'r', removeFigures: 'nothing{' },
    ];
    for (const b of bodies) {
      for (const p of [
        '/ui/reports',
        `/ui/reports/${id}/revise`,
        `/ui/reports/${id}/retract`,
        `/ui/reports/${id}/restore`,
        '/ui/sign-in',
        '/ui/sign-out',
        `/ui/reports/nope/revise`,
      ]) {
        const res = await agent.post(p).type('form').send(b);
        if (res.status >= 500)
          bad.push(`${res.status} POST ${p} ${JSON.stringify(b).slice(0, 80)}`);
        const j = await agent.post(p).send(b);
        if (j.status >= 500)
          bad.push(`${j.status} POST(json) ${p} ${JSON.stringify(b).slice(0, 80)}`);
      }
    }
    // What only JSON can carry: a lone surrogate, a reserved name, deep nesting. Refused, and
    // nothing is recorded.
    const before = (
      await agent.get(`/reports/${id}`).set('Authorization', `Bearer ${TOKENS.admin}`)
    ).body.revision;
    for (const b of [
      { _csrf: csrf, title: '\ud800', figures: 'killed = 1' },
      { _csrf: csrf, reason: 'r', kind: 'update', figures: 'killed = 2', constructor: 'x' },
      { _csrf: csrf, reason: 'r\u0000', kind: 'update', figures: 'killed = 3' },
    ]) {
      for (const p of [
        '/ui/reports',
        `/ui/reports/${id}/revise`,
        `/ui/reports/${id}/retract`,
        '/ui/sign-in',
      ]) {
        const res = await agent
          .post(p)
          .send(JSON.stringify(b))
          .set('Content-Type', 'application/json');
        if (res.status < 400 || res.status >= 500)
          bad.push(`${res.status} POST(json) ${p} ${JSON.stringify(b).slice(0, 60)}`);
      }
    }
    const after = (await agent.get(`/reports/${id}`).set('Authorization', `Bearer ${TOKENS.admin}`))
      .body.revision;
    expect(after).toBe(before);
    expect(bad).toEqual([]);
  });
});
