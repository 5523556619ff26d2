import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../src/bootstrap';
import { parseApiKeys } from '../src/config/tally-config';
import { testConfig } from './support/test-app';
import { ChildProcess, spawn } from 'node:child_process';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A PostgreSQL of this test's own, stopped and started again under a running server. */
describe('PostgreSQL restarting under the server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-restart-'));
  let port: number;
  let postgres: ChildProcess;
  let url: string;

  /** Starts PostgreSQL on the same files and port; resolves once it accepts connections. */
  function startPostgres(): Promise<ChildProcess> {
    const child = spawn(
      process.execPath,
      [join(__dirname, '../../../test/support/postgres-process.mjs'), dataDir, String(port)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    return new Promise((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve(child);
      });
      child.on('exit', (code) => reject(new Error(`postgres exited with ${code}`)));
    });
  }

  function stopPostgres(child: ChildProcess): Promise<void> {
    return new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.on('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
  let app: INestApplication;
  const token = 'restart-editor-token';
  const admin = 'restart-admin-token';

  beforeAll(async () => {
    port = await freePort();
    postgres = await startPostgres();
    url = `postgres://tally:tally@127.0.0.1:${port}/postgres`;
    app = await createApp(
      testConfig(url, { dataDir, apiKeys: parseApiKeys(`eve:editor:${token},ana:admin:${admin}`) }),
      url,
      { logLevel: 'silent' },
    );
    await app.init();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await stopPostgres(postgres);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const file = () =>
    request(app.getHttpServer())
      .post('/reports')
      .set('Authorization', `Bearer ${token}`)
      .send({ title: 'survives' });

  it('answers 503 while the database is down and recovers without a restart', async () => {
    await request(app.getHttpServer()).get('/health').expect(200);
    await file().expect(201);

    await stopPostgres(postgres);
    const health = await request(app.getHttpServer()).get('/health');
    expect(health.status).toBe(503);
    // Nothing of the database's own error text (its host, port, role) reaches an anonymous caller.
    expect(JSON.stringify(health.body)).not.toMatch(
      /ECONNREFUSED|127\.0\.0\.1|terminat|:\d{4,5}\b/i,
    );
    const write = await file();
    expect(write.status).toBe(503);
    expect(write.headers['content-type']).toMatch(/^application\/problem\+json/);

    postgres = await startPostgres();
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      status = (await request(app.getHttpServer()).get('/health')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    await file().expect(201);
    const listed = await request(app.getHttpServer())
      .get('/reports')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(listed.body.items).toHaveLength(2);

    // The async projection met the restart as a transient error: it catches up by itself.
    let projections: { name: string; status: string; lag: number }[] = [];
    while (Date.now() < deadline + 20_000) {
      projections = (
        await request(app.getHttpServer())
          .get('/projections')
          .set('Authorization', `Bearer ${admin}`)
      ).body;
      if (projections.every((p) => p.status === 'running' && p.lag === 0)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(projections.find((p) => p.name === 'figure_totals')).toMatchObject({
      status: 'running',
      lag: 0,
    });
  }, 60_000);
});
