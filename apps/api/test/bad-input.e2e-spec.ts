import { fileTarget, storedEvents, useTestApp } from './support/test-app';

/**
 * Every route against a corpus of hostile input: each answer is a problem-details 4xx, never a
 * 500, nothing is recorded, and the server keeps answering.
 */
describe('hostile input, route by route', () => {
  const t = useTestApp();
  let id: string;

  beforeAll(async () => {
    id = await fileTarget(t, 'target');
  });

  const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  /** Cursors shaped like the lists' own, holding what no list gives. */
  const FORGED_CURSORS = [
    cursor({ revision: 2 ** 40 }),
    cursor({ revision: -1 }),
    cursor({ revision: 1.5 }),
    cursor({ revision: '1' }),
    cursor({ revision: 1, extra: true }),
    cursor({ updatedAt: 'not a time', id: '5b0d0000-0000-4000-8000-000000000000' }),
    cursor({ updatedAt: '99999', id: '5b0d0000-0000-4000-8000-000000000000' }),
    cursor({ updatedAt: '0000-01-01T00:00:00Z', id: '5b0d0000-0000-4000-8000-000000000000' }),
    cursor({ updatedAt: '2026-11-20T00:00:00.000Z', id: '-'.repeat(36) }),
    cursor({ updatedAt: '2026-11-20T00:00:00.000Z', id: 'not-a-uuid' }),
    cursor([1]),
    cursor({ publishers: -1 }),
    cursor({ publishers: 2 ** 40 }),
    cursor({ reportedAt: 'not a time', revision: 1 }),
    cursor({ reportedAt: '2026-11-20T00:00:00.000Z', revision: -1 }),
  ];

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
    [
      'a NUL in a source url',
      '{"title": "x", "reason": "r", "source": {"url": "https://a.b/\\u0000"}}',
    ],
    [
      'a lone surrogate in a source url',
      '{"title": "x", "reason": "r", "source": {"url": "https://a.b/\\ud800"}}',
    ],
    [
      'a NUL in a publisher',
      '{"title": "x", "reason": "r", "source": {"url": "https://a.b/", "publisher": "a\\u0000"}}',
    ],
    [
      'a lone surrogate in a dimension name',
      '{"title": "x", "reason": "r", "figures": [{"measure": "killed", "dimensions": {"\\udc00": "a"}, "value": 1}]}',
    ],
    [
      'a NUL in a figure to remove',
      '{"title": "x", "reason": "r", "removeFigures": ["killed\\u0000"]}',
    ],
    ['a reserved key in the body', '{"title": "x", "reason": "r", "constructor": {"name": "x"}}'],
    ['year 0', '{"title": "x", "reason": "r", "reportedAt": "0000-06-01T00:00:00Z"}'],
    [
      'year 10000 once in UTC',
      '{"title": "x", "reason": "r", "reportedAt": "9999-12-31T23:30:00-01:00"}',
    ],
    ['30 February', '{"title": "x", "reason": "r", "occurredAt": "2026-02-30T00:00:00Z"}'],
    ['hour 24', '{"title": "x", "reason": "r", "reportedAt": "2026-11-20T24:00:00Z"}'],
    ['a revision beyond integer', '{"title": "x", "reason": "r", "expectedRevision": 2147483648}'],
  ];
  const WRITES = () => [
    'POST /reports',
    `POST /reports/${id}/revisions`,
    `POST /reports/${id}/retract`,
    `POST /reports/${id}/restore`,
    `POST /reports/${id}/claims`,
  ];

  it('answers every bad body on every write route with a 4xx problem and records nothing', async () => {
    const before = (await storedEvents(t.db)).length;
    let tried = 0;
    for (const route of WRITES()) {
      const path = route.split(' ')[1];
      for (const [name, body, type] of BODIES) {
        const response = await t
          .as('admin')
          .post(path)
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
    expect(tried).toBe(BODIES.length * 5);
    expect((await storedEvents(t.db)).length).toBe(before);
    await t.http().get('/health').expect(200);
  });

  it('answers a bad report id on every revision route with a 400 problem and records nothing', async () => {
    const before = (await storedEvents(t.db)).length;
    const bodies: Record<string, object> = {
      revisions: { reason: 'r', set: { title: 'x' } },
      claims: {
        source: { url: 'https://a.example/1' },
        figures: [{ measure: 'killed', value: 1 }],
      },
      retract: { reason: 'r' },
      restore: { reason: 'r' },
    };
    for (const bad of [
      'not-a-uuid',
      '%00',
      '%ED%A0%80',
      'constructor',
      `${id}x`,
      'x'.repeat(5000),
    ]) {
      for (const [action, body] of Object.entries(bodies)) {
        const response = await t.as('admin').post(`/reports/${bad}/${action}`).send(body);
        expect({ bad, action, status: response.status, detail: response.body.detail }).toEqual({
          bad,
          action,
          status: 400,
          // A lone surrogate does not decode, so the router refuses it before the route reads it.
          detail: bad.startsWith('%ED')
            ? "Failed to decode param '%ED%A0%80'"
            : 'Validation failed (uuid is expected)',
        });
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    }
    expect((await storedEvents(t.db)).length).toBe(before);
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
        `/reports/${bad}/sources`,
        `/reports/${bad}/figures/killed/sources`,
      ]),
      ...['-1', '0', '1000000000', 'abc', '1.5', '1e3'].flatMap((limit) => [
        `/reports?limit=${limit}`,
        `/reports/${id}/revisions?limit=${limit}`,
        `/events?limit=${limit}`,
        `/reports/${id}/sources?limit=${limit}`,
      ]),
      ...[
        '%%%',
        'eyJ1cGRhdGVkQXQiOjF9',
        'bnVsbA',
        "'; DROP TABLE events;--",
        ...FORGED_CURSORS,
      ].flatMap((cursor) => [
        `/reports?cursor=${encodeURIComponent(cursor)}`,
        `/reports/${id}/revisions?cursor=${encodeURIComponent(cursor)}`,
        `/reports/${id}/figures/killed/history?cursor=${encodeURIComponent(cursor)}`,
        `/reports/${id}/figures/killed/history?order=reported&cursor=${encodeURIComponent(cursor)}`,
        `/reports/${id}/sources?cursor=${encodeURIComponent(cursor)}`,
        `/events?after=${encodeURIComponent(cursor)}`,
      ]),
      ...[
        'yesterday',
        '2026-13-45T00:00:00Z',
        '2026-11-20',
        '2026-11-20T10:00:00',
        '1e309',
        '0000-01-01T00:00:00Z',
        '0001-01-01T00:30:00%2B01:00',
        '2026-02-30T00:00:00Z',
        '+275760-09-13T00:00:00Z',
      ].flatMap((asOf) => [
        `/reports/${id}?asOf=${asOf}`,
        `/stats/figures?measure=killed&asOf=${asOf}`,
        `/reports/${id}/sources?asOf=${asOf}`,
        `/reports/${id}/figures/killed/sources?asOf=${asOf}`,
        `/reports/${id}/figures/killed/history?asOf=${asOf}`,
        `/reports/${id}?reportedAsOf=${asOf}`,
        `/reports/${id}/sources?reportedAsOf=${asOf}`,
        `/stats/figures?measure=killed&reportedAsOf=${asOf}`,
      ]),
      `/reports/${id}/revisions/1/proof`,
      `/reports/${id}/revisions/1/proof?digest=abc`,
      `/reports/${id}/revisions/x/proof?digest=1`,
      `/reports/${id}/revisions/99999999999/proof?digest=1`,
      `/digests/0`,
      `/digests/1e3`,
      `/digests/99999999999999999999`,
      `/digests/2/consistency/1`,
      `/digests/a/consistency/b`,
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
      `/reports?q=a%00b`,
      `/reports/${id}/figures/killed%00/history`,
      `/reports?constructor=x`,
      `/reports/${id}?revision=2147483648`,
      `/reports/${id}/sources?revision=0`,
      `/reports/${id}/sources?revision=1&asOf=2026-11-20T00:00:00Z`,
      `/reports/${id}/figures/killed/sources?revision=abc`,
      `/reports/${id}/figures/${encodeURIComponent('killed\u0000')}/sources`,
      `/reports/${id}/figures/killed/history?order=recorded`,
      `/reports/${id}/figures/killed/history?revision=0`,
      `/reports?check=wrong`,
      `/reports?check=complete`,
    ];
    for (const path of paths) {
      const response = await t.as('admin').get(path);
      expect({ path, ok: response.status >= 400 && response.status < 500 }).toEqual({
        path,
        ok: true,
      });
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(paths.length).toBeGreaterThan(120);
    await t.http().get('/health').expect(200);
  });

  it('answers bad projection names on the operations routes with a 4xx problem', async () => {
    for (const name of [
      '%00',
      '%ED%A0%80',
      'x'.repeat(300),
      'constructor',
      '__proto__',
      '..%2F..',
    ]) {
      for (const action of ['resume', 'rebuild']) {
        const response = await t.as('admin').post(`/projections/${name}/${action}`);
        expect({ name, action, ok: response.status >= 400 && response.status < 500 }).toEqual({
          name,
          action,
          ok: true,
        });
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    }
    await t.http().get('/health').expect(200);
  });

  describe('dimension names are data: kept under their own key, or refused', () => {
    const revise = (name: string) =>
      t
        .as('admin')
        .post(`/reports/${id}/revisions`)
        .set('Content-Type', 'application/json')
        .send(
          `{"reason":"x","figures":[{"measure":"killed","dimensions":{${JSON.stringify(name)}:"Syrian"},"value":999}]}`,
        );
    const headline = async () => {
      const { body } = await t.as('admin').get(`/reports/${id}`);
      return body.figures.find((figure: { key: string }) => figure.key === 'killed')?.value;
    };

    it.each(['toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'])(
      '%s is recorded under its own key and leaves the headline alone',
      async (name) => {
        const response = await revise(name).expect(201);
        expect(response.body.changes).toEqual([
          { path: `figures.killed{${name}=Syrian}`, from: null, to: 999 },
        ]);
        expect(await headline()).toBe(1);
        const { body } = await t
          .as('admin')
          .get(`/reports/${id}/figures/${encodeURIComponent(`killed{${name}=Syrian}`)}/history`)
          .expect(200);
        expect(body.items.map((item: { to: unknown }) => item.to)).toEqual([999]);
        const figure = response.body.report.figures.find(
          (f: { key: string }) => f.key === `killed{${name}=Syrian}`,
        );
        expect(Object.entries(figure.dimensions)).toEqual([[name, 'Syrian']]);
      },
    );

    it.each(['constructor', '__proto__', 'prototype'])(
      '%s is refused with a 400, and nothing is recorded',
      async (name) => {
        const before = (await storedEvents(t.db)).length;
        const response = await revise(name).expect(400);
        expect(response.body.errors).toEqual([
          { path: `figures[0].dimensions.${name}`, message: `${name} is a reserved name` },
        ]);
        expect((await storedEvents(t.db)).length).toBe(before);
        expect(await headline()).toBe(1);
      },
    );
  });
});
