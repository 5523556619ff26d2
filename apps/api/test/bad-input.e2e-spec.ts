import { TestApp, bearer, createTestApp, storedEvents } from './support/test-app';

/**
 * Every route against a corpus of hostile input: each answer is a problem-details 4xx, never a
 * 500, nothing is recorded, and the server keeps answering.
 */
describe('hostile input, route by route', () => {
  let t: TestApp;
  let id: string;

  beforeAll(async () => {
    t = await createTestApp();
    const filed = await t
      .http()
      .post('/reports')
      .set('Authorization', bearer('admin'))
      .send({ title: 'target', figures: [{ measure: 'killed', value: 1 }] })
      .expect(201);
    id = filed.body.id;
  });
  afterAll(() => t.close());

  const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const BODIES: [string, string, string?][] = [
    ['malformed JSON', '{"title": '],
    ['an array', '[{"title": "x"}]'],
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"title"'],
    ['text/plain', 'title=x', 'text/plain'],
    ['form-encoded', 'title=x', 'application/x-www-form-urlencoded'],
    ['deep nesting', `{"title": ${deep(5000)}}`],
    ['duplicate keys', '{"title": "a", "title": {"x": 1}, "reason": "r", "reason": 5}'],
    ['an unknown field', '{"title": "x", "reason": "r", "actor": "mallory"}'],
    ['empty strings', '{"title": "", "reason": ""}'],
    [
      '10 000-char strings',
      JSON.stringify({ title: 'x'.repeat(10_000), reason: 'r'.repeat(10_000) }),
    ],
    ['a NUL byte', '{"title": "a\\u0000b", "reason": "a\\u0000b"}'],
    ['a lone surrogate', '{"title": "a\\ud800b", "reason": "a\\udc00"}'],
    [
      '1e309',
      '{"title": "x", "reason": "r", "expectedRevision": 1e309, "figures": [{"measure": "killed", "value": 1e309}]}',
    ],
    [
      'beyond 2^53',
      '{"title": "x", "reason": "r", "expectedRevision": 9007199254740993, "figures": [{"measure": "killed", "value": 9007199254740993}]}',
    ],
    [
      'strings for numbers',
      '{"title": "x", "reason": "r", "expectedRevision": "1", "figures": [{"measure": "killed", "value": "18"}]}',
    ],
    [
      'arrays for objects',
      '{"title": "x", "reason": "r", "source": ["https://a.b"], "set": [], "figures": {"measure": "killed"}}',
    ],
    ['objects for strings', '{"title": {"$gt": ""}, "reason": {"x": 1}}'],
    [
      'injected braces in a figure',
      '{"title": "x", "reason": "r", "figures": [{"measure": "killed", "dimensions": {"a}{b": "c=d"}, "value": 1}]}',
    ],
    [
      'a negative count',
      '{"title": "x", "reason": "r", "figures": [{"measure": "killed", "min": -5, "max": -1}]}',
    ],
    [
      'a javascript: source',
      '{"title": "x", "reason": "r", "source": {"url": "javascript:alert(1)"}}',
    ],
  ];
  const WRITES = () => [
    'POST /reports',
    `POST /reports/${id}/revisions`,
    `POST /reports/${id}/retract`,
    `POST /reports/${id}/restore`,
  ];

  it('answers every bad body on every write route with a 4xx problem and records nothing', async () => {
    const before = (await storedEvents(t.db)).length;
    let tried = 0;
    for (const route of WRITES()) {
      const path = route.split(' ')[1];
      for (const [name, body, type] of BODIES) {
        const response = await t
          .http()
          .post(path)
          .set('Authorization', bearer('admin'))
          .set('Content-Type', type ?? 'application/json')
          .send(body);
        tried += 1;
        expect({ route, name, status: response.status }).toEqual({
          route,
          name,
          status: expect.any(Number),
        });
        expect({ route, name, ok: response.status >= 400 && response.status < 500 }).toEqual({
          route,
          name,
          ok: true,
        });
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    }
    expect(tried).toBe(BODIES.length * 4);
    expect((await storedEvents(t.db)).length).toBe(before);
    await t.http().get('/health').expect(200);
  });

  it('answers bad ids, keys and query parameters on every read route with a 4xx problem', async () => {
    const ids = [
      'not-a-uuid',
      '..%2F..%2Fetc%2Fpasswd',
      '%00',
      `${id}x`,
      "1' OR '1'='1",
      'x'.repeat(300),
    ];
    const paths = [
      ...ids.flatMap((bad) => [
        `/reports/${bad}`,
        `/reports/${bad}/revisions`,
        `/reports/${bad}/revisions/1`,
        `/reports/${bad}/diff?from=1&to=2`,
        `/reports/${bad}/figures/killed/history`,
        `/reports/${bad}/verify`,
      ]),
      ...['-1', '0', '1000000000', 'abc', '1.5', '1e3'].flatMap((limit) => [
        `/reports?limit=${limit}`,
        `/reports/${id}/revisions?limit=${limit}`,
        `/events?limit=${limit}`,
      ]),
      ...['%%%', 'eyJ1cGRhdGVkQXQiOjF9', 'bnVsbA', "'; DROP TABLE events;--"].flatMap((cursor) => [
        `/reports?cursor=${encodeURIComponent(cursor)}`,
        `/reports/${id}/revisions?cursor=${encodeURIComponent(cursor)}`,
        `/reports/${id}/figures/killed/history?cursor=${encodeURIComponent(cursor)}`,
        `/events?after=${encodeURIComponent(cursor)}`,
      ]),
      ...[
        'yesterday',
        '2026-13-45T00:00:00Z',
        '2026-11-20',
        '2026-11-20T10:00:00',
        '1e309',
      ].flatMap((asOf) => [
        `/reports/${id}?asOf=${asOf}`,
        `/stats/figures?measure=killed&asOf=${asOf}`,
      ]),
      `/reports/${id}?revision=-1`,
      `/reports/${id}?revision=99999999999`,
      `/reports/${id}/revisions/0`,
      `/reports/${id}/revisions/1.5`,
      `/reports/${id}/revisions/99999999999`,
      `/reports/${id}/diff?from=2&to=2`,
      `/reports/${id}/diff?from=x&to=2`,
      `/reports/${id}/figures/${encodeURIComponent('killed{a=b}}{')}/history`,
      `/reports?status=lost`,
      `/reports?location=${'x'.repeat(300)}`,
      `/stats/figures?measure=Killed`,
      `/stats/figures`,
      `/reports?colour=red`,
    ];
    for (const path of paths) {
      const response = await t.http().get(path).set('Authorization', bearer('admin'));
      expect({ path, ok: response.status >= 400 && response.status < 500 }).toEqual({
        path,
        ok: true,
      });
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(paths.length).toBeGreaterThan(80);
    await t.http().get('/health').expect(200);
  });
});
