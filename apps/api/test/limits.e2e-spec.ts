import { TestApp, bearer, createTestApp, storedEvents, useTestApp } from './support/test-app';

describe('write limits and security headers', () => {
  const t = useTestApp({ writeLimit: 3 });

  it('answers 429 with Retry-After past TALLY_WRITE_LIMIT writes a minute, and records nothing', async () => {
    for (let i = 0; i < 3; i++) {
      await t
        .as('editor')
        .post('/reports')
        .send({ title: `r${i}` })
        .expect(201);
    }
    const before = (await storedEvents(t.db)).length;
    const limited = await t
      .as('editor')
      .post('/reports')
      .send({ title: 'one too many' })
      .expect(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ status: 429 });
    expect((await storedEvents(t.db)).length).toBe(before);
    // The same client address with another key is limited too; reads are not.
    await t.as('admin').post('/reports').send({ title: 'other key, same address' }).expect(429);
    await t.as('reader').get('/reports').expect(200);
  });

  it('answers no cross-origin request unless the origin is configured', async () => {
    const preflight = await t
      .http()
      .options('/reports')
      .set('Origin', 'https://elsewhere.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const open = await createTestApp({ corsOrigins: ['https://newsroom.example'] });
    try {
      const allowed = await open
        .http()
        .options('/reports')
        .set('Origin', 'https://newsroom.example')
        .set('Access-Control-Request-Method', 'POST')
        .expect(204);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://newsroom.example');
      const other = await open.http().get('/health').set('Origin', 'https://elsewhere.example');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await open.close();
    }
  });

  it('sends security headers', async () => {
    const response = await t.http().get('/health').expect(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers['x-request-id']).toBeDefined();
  });

  it('counts writes per client address from X-Forwarded-For only behind a trusted proxy', async () => {
    const write = (app: TestApp, role: 'editor' | 'admin', from: string) =>
      app
        .http()
        .post('/reports')
        .set('Authorization', bearer(role))
        .set('X-Forwarded-For', from)
        .send({ title: `from ${from}` });
    const proxied = await createTestApp({ writeLimit: 2, trustProxy: ['loopback'] });
    try {
      await write(proxied, 'editor', '203.0.113.7').expect(201);
      await write(proxied, 'editor', '203.0.113.7').expect(201);
      // Another key from the same client: that address is spent.
      await write(proxied, 'admin', '203.0.113.7').expect(429);
      // Another client behind the same proxy is not.
      await write(proxied, 'admin', '198.51.100.9').expect(201);
    } finally {
      await proxied.close();
    }
    // Not trusted, the header is the client's own say: every request is the proxy's address.
    const direct = await createTestApp({ writeLimit: 2 });
    try {
      await write(direct, 'editor', '203.0.113.7').expect(201);
      await write(direct, 'editor', '198.51.100.1').expect(201);
      await write(direct, 'admin', '198.51.100.2').expect(429);
    } finally {
      await direct.close();
    }
  });
});
