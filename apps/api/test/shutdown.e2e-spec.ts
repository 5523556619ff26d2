import { AddressInfo } from 'node:net';
import { bearer, createTestApp, storedEvents } from './support/test-app';

describe('graceful shutdown', () => {
  it('finishes a request in flight before closing, then closes the pool', async () => {
    const t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    const headers = { Authorization: bearer('editor'), 'Content-Type': 'application/json' };
    const filed = await fetch(`${base}/reports`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ title: 'draining' }),
    }).then((r) => r.json() as Promise<{ id: string }>);

    // Hold report_current against writes so that the next revision waits inside its transaction.
    const holder = await t.db.pool.connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE report_current IN EXCLUSIVE MODE');
    const inFlight = fetch(`${base}/reports/${filed.id}/revisions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ reason: 'late news', set: { summary: 'still in flight' } }),
    });
    await new Promise((r) => setTimeout(r, 200));
    let closed = false;
    const closing = t.app.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(closed).toBe(false);
    await expect(fetch(`${base}/health`)).rejects.toThrow();

    await holder.query('COMMIT');
    holder.release();
    const response = await inFlight;
    expect(response.status).toBe(201);
    await closing;
    expect(closed).toBe(true);
    expect((await storedEvents(t.db)).map((e) => e.type)).toEqual(['ReportFiled', 'ReportRevised']);
    await t.db.drop();
  });
});
