import { TOKENS, TestApp, createTestApp, storedEvents } from './support/test-app';

describe('structured logs', () => {
  let t: TestApp;
  const lines: string[] = [];

  beforeAll(async () => {
    t = await createTestApp(
      {},
      { logLevel: 'info', logStream: { write: (line) => lines.push(line) } },
    );
  });
  afterAll(() => t.close());

  it('logs each request as JSON under the request id the events carry, never the token', async () => {
    await t
      .as('editor')
      .post('/reports')
      .set('X-Request-Id', 'req-deir-ezzor-1')
      .send({ title: 'Strikes' })
      .expect(201);
    const [event] = await storedEvents(t.db);
    expect(event.metadata.correlationId).toBe('req-deir-ezzor-1');

    const logged = lines.map((line) => JSON.parse(line));
    const request = logged.find((entry) => entry.req?.id === 'req-deir-ezzor-1');
    expect(request).toMatchObject({
      req: { method: 'POST', url: '/reports' },
      res: { statusCode: 201 },
    });
    expect(request.req.headers.authorization).toBeUndefined();
    expect(lines.join('\n')).not.toContain(TOKENS.editor);
  });
});
