// Both specs spawn the built server; they share one file so that they run one after the other
// (each builds dist/, and a build empties it first).
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore } from '@tally/event-store';
import { TestDatabase, createTestDatabase } from '../../../test/support/test-database';
import { projectionRegistry, rebuildByName } from '../src/operations/projection-registry';

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
    expect(urls).toHaveLength(4);
    const [report, revisions, history, sources] = await Promise.all(
      urls.map((url) =>
        fetch(url, { headers: { Authorization: `Bearer ${token}` } }).then(
          (r) => r.json() as Promise<{ items: { reason: string; from: unknown; to: unknown }[] }>,
        ),
      ),
    );
    // The two sources side by side, out of the box.
    expect(sources).toMatchObject({
      adopted: { amount: 23, publisher: 'SOHR' },
      range: { min: 21, max: 23 },
    });
    expect(report).toMatchObject({
      revision: 3,
      title: 'US airstrikes on 27 positions in Deir Ezzor',
    });
    expect(revisions.items.map((r: { reason: string }) => r.reason)).toEqual([
      'first report',
      'bodies retrieved',
      'a local network counts fewer dead',
    ]);
    expect(history.items.map((i: { from: unknown; to: unknown }) => [i.from, i.to])).toEqual([
      [null, 18],
      [18, 23],
      [23, 23], // the second publisher's lower claim, not adopted
    ]);
    // The key digests are signed with, printed as the server serves it; the sign-in page too.
    const printed =
      /digests are signed with key ([0-9a-f]{16}) .*:\n(-----BEGIN PUBLIC KEY-----\n[^-]+-----END PUBLIC KEY-----)/.exec(
        output,
      );
    expect(printed).not.toBeNull();
    const served = await fetch(`http://127.0.0.1:${port}/digests/key`, {
      headers: { Authorization: `Bearer ${token}` },
    }).then((r) => r.text());
    expect(served.trim()).toBe(printed![2]);
    expect(output).toContain('/ui/sign-in');
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(true);

    // 'close' waits for the server itself, which shares npm's output pipes, not only for npm.
    const exited = new Promise<void>((r) => server.on('close', () => r()));
    process.kill(-server.pid!, 'SIGTERM');
    await exited;
    expect(output).toContain('tally: stopped');
    // Every request was logged as one JSON line, flushed before the process ended.
    const logged = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { req?: { url: string }; res?: { statusCode: number } });
    for (const url of urls) {
      expect(logged).toContainEqual(
        expect.objectContaining({
          req: expect.objectContaining({ url: new URL(url).pathname }),
          res: expect.objectContaining({ statusCode: 200 }),
        }),
      );
    }
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    // Not a terminal: JSON lines; and none of Nest's start-up chatter at info.
    const contexts = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { context?: string }).context);
    expect(contexts).toContain('NestApplication');
    for (const chatter of ['InstanceLoader', 'RoutesResolver', 'RouterExplorer']) {
      expect(contexts).not.toContain(chatter);
    }
  }, 120_000);
});

const ROOT = join(__dirname, '../../..');
const MAIN = join(ROOT, 'dist/apps/api/apps/api/src/main.js');
const TOKEN = 'crash-editor-token';

/**
 * Crash test: revisions under load, the server killed with SIGKILL mid-load, then restarted.
 * Every revision acknowledged with a 2xx is there exactly once, revisions are contiguous, every
 * report verifies, and the inline projections equal a fresh rebuild from the events.
 */
describe('kill -9 under load', () => {
  let db: TestDatabase;
  let server: ChildProcess | null = null;
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const base = `http://127.0.0.1:${port}`;

  beforeAll(async () => {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' });
    db = await createTestDatabase();
  }, 120_000);

  afterAll(async () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    await db.drop();
  });

  async function start(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        TALLY_API_KEYS: `crash:editor:${TOKEN}`,
        PORT: String(port),
        TALLY_WRITE_LIMIT: '0',
      },
      stdio: 'ignore',
    });
    for (let i = 0; i < 300; i++) {
      const up = await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) return child;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the server did not start');
  }

  const call = (path: string, body?: object) =>
    fetch(`${base}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: body && JSON.stringify(body),
    });

  it('loses and duplicates nothing that was acknowledged', async () => {
    server = await start();
    const reports: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await call('/reports', { title: `crash ${i}` });
      reports.push(((await response.json()) as { id: string }).id);
    }
    const acknowledged = new Map<string, string[]>(reports.map((id) => [id, []]));
    let running = true;
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; running; i++) {
        const id = reports[(w + i) % reports.length];
        const reason = `w${w}-${i}`;
        try {
          const response = await call(`/reports/${id}/revisions`, {
            reason,
            figures: [{ measure: `m${w}`, value: i + 1 }],
          });
          if (response.status >= 200 && response.status < 300) acknowledged.get(id)!.push(reason);
        } catch {
          return; // the server is gone
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    server.kill('SIGKILL');
    running = false;
    await Promise.all(writers);
    const total = [...acknowledged.values()].reduce((n, list) => n + list.length, 0);
    expect(total).toBeGreaterThan(20);

    server = await start();
    for (const [id, reasons] of acknowledged) {
      const page = (await (await call(`/reports/${id}/revisions?limit=500`)).json()) as {
        items: { revision: number; reason: string }[];
      };
      const revisions = page.items.map((item) => item.revision);
      expect(revisions).toEqual(revisions.map((_, i) => i + 1));
      const recorded = page.items.map((item) => item.reason);
      for (const reason of reasons) {
        expect(recorded.filter((r) => r === reason)).toHaveLength(1);
      }
      const verify = (await (await call(`/reports/${id}/verify`)).json()) as { valid: boolean };
      expect(verify.valid).toBe(true);
    }
    server.kill('SIGTERM');
    await new Promise((r) => server!.on('exit', r));

    const checksum = async () => {
      const sums: string[] = [];
      for (const { projection, lifecycle } of projectionRegistry()) {
        if (lifecycle !== 'inline') continue;
        for (const table of projection.tables) {
          const { rows } = await db.pool.query<{ sum: string }>(
            `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS sum FROM ${table} t`,
          );
          sums.push(`${table}:${rows[0].sum}`);
        }
      }
      return sums;
    };
    const live = await checksum();
    const store = new PostgresEventStore(db.pool);
    for (const { projection, lifecycle } of projectionRegistry()) {
      if (lifecycle === 'inline') await rebuildByName(db.pool, store, projection.name);
    }
    expect(await checksum()).toEqual(live);

    // The operator's tool rebuilds several projections in one pass, and names a wrong one.
    const cli = join(ROOT, 'dist/apps/api/apps/api/src/cli.js');
    const env = { ...process.env, DATABASE_URL: db.url };
    const rebuilt = execFileSync(
      process.execPath,
      [cli, 'projections', 'rebuild', 'report_current', 'figure_history'],
      { env, encoding: 'utf8' },
    );
    expect(rebuilt).toMatch(/rebuilt report_current, figure_history: \d+ events/);
    expect(await checksum()).toEqual(live);
    expect(() =>
      execFileSync(process.execPath, [cli, 'projections', 'rebuild', 'nope'], {
        env,
        stdio: 'pipe',
      }),
    ).toThrow(/no projection named nope/);

    // While another process rebuilds, the tool says so and rebuilds nothing.
    const other = await db.pool.connect();
    try {
      await other.query('SELECT pg_advisory_lock(7461637002)');
      expect(() =>
        execFileSync(process.execPath, [cli, 'projections', 'rebuild', 'report_current'], {
          env,
          stdio: 'pipe',
        }),
      ).toThrow(/tally: not rebuilding: a rebuild is already running/);
    } finally {
      await other.query('SELECT pg_advisory_unlock(7461637002)');
      other.release();
    }
    expect(await checksum()).toEqual(live);
  }, 120_000);
});
