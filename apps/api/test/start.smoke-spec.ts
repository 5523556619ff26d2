import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `npm start` on the embedded default, as a newcomer runs it: no DATABASE_URL, no keys. It must
 * answer /health and stop its PostgreSQL when told to stop.
 */
describe('npm start on the embedded default', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-smoke-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  let server: ChildProcess;
  let output = '';

  beforeAll(() => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), TALLY_DATA_DIR: dataDir };
    delete env.DATABASE_URL;
    delete env.TALLY_API_KEYS;
    server = spawn('npm', ['start'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });

  afterAll(() => {
    if (server.exitCode === null && server.pid) process.kill(-server.pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers /health, prints a generated admin key, and stops PostgreSQL on SIGTERM', async () => {
    const deadline = Date.now() + 90_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = await fetch(`http://127.0.0.1:${port}/health`).then(
        (response) => response.status,
        () => 0,
      );
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect({ status, output }).toMatchObject({ status: 200 });
    const token = /generated admin key for this run: (\S{20,})/.exec(output)?.[1];
    expect(token).toBeDefined();
    const urls = [...output.matchAll(/curl -H "Authorization: Bearer \S+" (\S+)/g)].map(
      (m) => m[1],
    );
    expect(urls).toHaveLength(3);
    const [report, revisions, history] = await Promise.all(
      urls.map((url) =>
        fetch(url, { headers: { Authorization: `Bearer ${token}` } }).then(
          (r) => r.json() as Promise<{ items: { reason: string; from: unknown; to: unknown }[] }>,
        ),
      ),
    );
    expect(report).toMatchObject({
      revision: 2,
      title: 'US airstrikes on 27 positions in Deir Ezzor',
    });
    expect(revisions.items.map((r: { reason: string }) => r.reason)).toEqual([
      'first report',
      'bodies retrieved',
    ]);
    expect(history.items.map((i: { from: unknown; to: unknown }) => [i.from, i.to])).toEqual([
      [null, 18],
      [18, 23],
    ]);
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(true);

    // 'close' waits for the server itself, which shares npm's output pipes, not only for npm.
    const exited = new Promise<void>((r) => server.on('close', () => r()));
    process.kill(-server.pid!, 'SIGTERM');
    await exited;
    expect(output).toContain('tally: stopped');
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  }, 120_000);
});
