// npm run bench [-- --quick]: every figure next to a baseline taken in the same run, on a fresh
// database created and dropped here. Writes bench/results.json and prints a table.
import { execFileSync, spawn } from 'node:child_process';

import { openSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const dist = new URL('../dist/apps/api/', import.meta.url).pathname;
const { Client, Pool } = require('pg');
const { PostgresEventStore } = require(`${dist}libs/event-store/src`);
const { reportProjections } = require(`${dist}libs/reports/src`);
const { createDataSource, migrate } = require(`${dist}apps/api/src/database/data-source`);
const { startEmbeddedPostgres } = require(`${dist}apps/api/src/database/embedded-postgres`);

const quick = process.argv.includes('--quick');
const SIZES = quick
  ? {
      seconds: 3,
      httpSeconds: 5,
      httpWarmupSeconds: 2,
      httpReports: 100,
      revisions: 1000,
      samples: 200,
      pageSamples: 50,
      claims: 2_000,
      incidents: 1_200,
      rebuildReports: 4_000,
    }
  : {
      seconds: 10,
      httpSeconds: 20,
      httpWarmupSeconds: 5,
      httpReports: 1000,
      revisions: 10_000,
      samples: 1000,
      pageSamples: 200,
      claims: 10_000,
      incidents: 12_000,
      rebuildReports: 200_000,
    };
const rows = [];
const row = (id, label, value, unit) => {
  rows.push({ id, label, value: Math.round(value * 100) / 100, unit });
  console.log(`  ${label.padEnd(52)} ${String(rows.at(-1).value).padStart(10)} ${unit}`);
};
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

let embedded = null;
let serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  embedded = await startEmbeddedPostgres({
    dataDir: `${os.tmpdir()}/tally-bench-${Date.now()}`,
    ephemeral: true,
  });
  serverUrl = embedded.url;
}
const database = `tally_bench_${Date.now()}`;
const admin = new Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const url = new URL(serverUrl);
url.pathname = `/${database}`;
const dbUrl = url.toString();
const dataSource = createDataSource(dbUrl);
await dataSource.initialize();
await migrate(dataSource);
await dataSource.destroy();
const pool = new Pool({ connectionString: dbUrl, max: 20 });
const settings = (
  await pool.query(
    `SELECT name, setting FROM pg_settings WHERE name IN
       ('server_version', 'shared_buffers', 'synchronous_commit', 'fsync', 'max_connections',
        'autovacuum')`,
  )
).rows;

console.log(
  `tally bench${quick ? ' (quick)' : ''}: ${os.cpus().length} cores, PostgreSQL ${settings.find((s) => s.name === 'server_version')?.setting}`,
);

/** Runs `writers` loops for `seconds`; returns how many operations completed. */
async function count(writers, seconds, operation) {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      while (performance.now() < deadline) {
        await operation(w);
        done++;
      }
    }),
  );
  return done;
}

/**
 * Operations per second of `a` and of `b`, run in alternating rounds, so that the disk's and the
 * machine's drift during the run weighs on both alike.
 */
async function sideBySide(writers, a, b, rounds = 4) {
  const seconds = SIZES.seconds / rounds;
  let countA = 0;
  let countB = 0;
  for (let round = 0; round < rounds; round++) {
    countA += await count(writers, seconds, a);
    countB += await count(writers, seconds, b);
  }
  return [countA / SIZES.seconds, countB / SIZES.seconds];
}

// 1. Baseline: one INSERT per event into a table shaped like the store's, autocommit.
await pool.query(`CREATE TABLE baseline_events (LIKE events INCLUDING ALL)`);
const payload = JSON.stringify({
  figures: [{ key: 'killed', measure: 'killed', dimensions: {}, amount: 23 }],
});
const meta = JSON.stringify({ actor: 'bench' });
const versions = new Map();
const nextVersion = (stream) => {
  const version = (versions.get(stream) ?? 0) + 1;
  versions.set(stream, version);
  return version;
};
const baseline = (writers) => (w) => {
  const stream = `b-${writers}-${w}`;
  return pool.query(
    `INSERT INTO baseline_events (stream_id, stream_version, type, schema_version, data, metadata, recorded_at, hash)
     VALUES ($1, $2, 'Bench', 1, $3, $4, now(), '')`,
    [stream, nextVersion(stream), payload, meta],
  );
};
const store = new PostgresEventStore(pool);
const append = (writers) => (w) => {
  const stream = `a-${writers}-${w}`;
  return store.append(
    stream,
    nextVersion(stream) - 1,
    [{ type: 'Bench', data: JSON.parse(payload) }],
    {
      actor: 'bench',
    },
  );
};
for (const writers of [1, 8]) {
  const [b, a] = await sideBySide(writers, baseline(writers), append(writers));
  const plural = writers === 1 ? 'writer' : 'writers';
  row(`baseline_${writers}w`, `baseline: plain INSERT, ${writers} ${plural}`, b, 'events/s');
  row(
    `append_${writers}w`,
    `store append, ${writers} ${plural} (${(a / b).toFixed(2)}x baseline)`,
    a,
    'events/s',
  );
}

// The append rows' events are the store's alone: the server starts on an empty log, so that its
// RSS after start is an idle server's (not one catching its async projections up with them).
await pool.query(`ALTER TABLE events DISABLE TRIGGER events_no_truncate`);
await pool.query('TRUNCATE events, commands');
await pool.query(`ALTER TABLE events ENABLE TRIGGER events_no_truncate`);

// The server, as users run it, on the bench database.
const token = 'bench-admin-token';
const port = 20_000 + Math.floor(Math.random() * 20_000);
const server = spawn(process.execPath, [`${dist}apps/api/src/main.js`], {
  env: {
    ...process.env,
    DATABASE_URL: dbUrl,
    TALLY_API_KEYS: `bench:admin:${token}`,
    PORT: String(port),
    TALLY_WRITE_LIMIT: '0',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
// A bench that fails leaves no server behind.
process.on('exit', () => server.kill('SIGKILL'));
// Idle sockets close before the server's keep-alive timeout (5 s) would close them under a request.
const agent = new http.Agent({ keepAlive: true, maxSockets: 32, timeout: 4_000 });
function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      },
      (response) => {
        const chunks = [];
        response.on('data', (c) => chunks.push(c));
        response.on('end', () =>
          resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    request.on('error', reject);
    request.end(data);
  });
}
const rssOf = async (pid) => {
  const { readFileSync } = await import('node:fs');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
};
for (let i = 0; i < 200; i++) {
  if ((await call('GET', '/health').catch(() => ({ status: 0 }))).status === 200) break;
  await new Promise((r) => setTimeout(r, 100));
}
await new Promise((r) => setTimeout(r, 1000));
row('idle_rss_mb', 'server RSS after start', await rssOf(server.pid), 'MB');

// 3. HTTP revisions end to end: 16 connections, spread over many reports.
const reportIds = [];
for (let i = 0; i < SIZES.httpReports; i++) {
  const { body } = await call('POST', '/reports', {
    title: `bench ${i}`,
    figures: [{ measure: 'killed', value: 0 }],
  });
  reportIds.push(JSON.parse(body).id);
}
/**
 * 16 connections revising random reports for `seconds`: each revision's latency and status.
 * Every value differs from every other (by phase, connection and count): none is a no-op.
 */
async function revise(phase, seconds) {
  const latencies = [];
  let failures = 0;
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: 16 }, async (_, c) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const id = reportIds[Math.floor(Math.random() * reportIds.length)];
        const started = performance.now();
        const { status } = await call('POST', `/reports/${id}/revisions`, {
          reason: 'bench',
          figures: [{ measure: 'killed', value: (phase * 16 + c) * 1_000_000 + i + 1 }],
        });
        latencies.push(performance.now() - started);
        if (status !== 201) failures++;
      }
    }),
  );
  return { latencies, failures };
}
// A warm-up first, not measured: the JIT compiles the hot paths, each connection prepares its
// statements.
await revise(0, SIZES.httpWarmupSeconds);
const { latencies, failures } = await revise(1, SIZES.httpSeconds);
row(
  'http_rps',
  `HTTP revisions, 16 connections (${failures} not 201)`,
  latencies.length / SIZES.httpSeconds,
  'revisions/s',
);
row('http_p50_ms', 'HTTP revisions p50', percentile(latencies, 50), 'ms');
row('http_p99_ms', 'HTTP revisions p99', percentile(latencies, 99), 'ms');
row('loaded_rss_mb', 'server RSS after the HTTP load', await rssOf(server.pid), 'MB');

// 4. Time travel on one report with many revisions, reported a minute apart but every seventh,
// reported three hours before the one recorded before it.
const isLate = (n) => n % 7 === 0;
const reportedAtOf = (n) =>
  new Date(Date.UTC(2026, 0, 1) + n * 60_000 - (isLate(n) ? 3 * 3_600_000 : 0)).toISOString();
const { body: filed } = await call('POST', '/reports', {
  title: 'long history',
  figures: [{ measure: 'killed', value: 0 }],
  reportedAt: '2026-01-01T00:00:00Z',
});
const longId = JSON.parse(filed).id;
const deep = new PostgresEventStore(pool, { inlineProjections: reportProjections() });
for (let n = 2; n <= SIZES.revisions; n++) {
  await deep.append(
    `report-${longId}`,
    n - 1,
    [
      {
        type: 'ReportRevised',
        data: {
          kind: 'update',
          reason: 'bench',
          reportedAt: reportedAtOf(n),
          source: null,
          details: {},
          claims: [
            { key: 'killed', measure: 'killed', dimensions: {}, amount: n, adopted: !isLate(n) },
          ],
          removedFigures: [],
        },
        schemaVersion: 2,
      },
    ],
    { actor: 'bench' },
  );
}
const { rows: span } = await pool.query(
  `SELECT min(recorded_at) AS first, max(recorded_at) AS last, min(reported_at) AS first_reported,
          max(reported_at) AS last_reported
     FROM report_revisions WHERE report_id = $1`,
  [longId],
);
const travel = [];
for (let i = 0; i < SIZES.samples; i++) {
  const asOf = i % 2 === 0;
  const query = asOf
    ? `asOf=${new Date(span[0].first.getTime() + Math.random() * (span[0].last - span[0].first)).toISOString()}`
    : `revision=${1 + Math.floor(Math.random() * SIZES.revisions)}`;
  const started = performance.now();
  const { status } = await call('GET', `/reports/${longId}?${query}`);
  travel.push(performance.now() - started);
  if (status !== 200) throw new Error(`time travel answered ${status}`);
}
row(
  'timetravel_p50_ms',
  `time travel p50 (${SIZES.revisions} revisions)`,
  percentile(travel, 50),
  'ms',
);
row('timetravel_p99_ms', 'time travel p99', percentile(travel, 99), 'ms');
// The same report on the reported axis: a revision a minute, every seventh typed in late.
const reportedLatencies = [];
for (let i = 0; i < SIZES.samples; i++) {
  const at = new Date(
    span[0].first_reported.getTime() +
      Math.random() * (span[0].last_reported - span[0].first_reported),
  ).toISOString();
  const started = performance.now();
  const { status } = await call('GET', `/reports/${longId}?reportedAsOf=${at}`);
  reportedLatencies.push(performance.now() - started);
  if (status !== 200) throw new Error(`reportedAsOf answered ${status}`);
}
row(
  'reported_p50_ms',
  `reportedAsOf p50 (${SIZES.revisions} revisions)`,
  percentile(reportedLatencies, 50),
  'ms',
);
row('reported_p99_ms', 'reportedAsOf p99', percentile(reportedLatencies, 99), 'ms');
const historyStarted = performance.now();
await call('GET', `/reports/${longId}/figures/killed/history`);
row('history_ms', 'figures/killed/history, first page', performance.now() - historyStarted, 'ms');

// 5. Sources side by side: one report, 50 publishers, 10 000 claims (each revision one
// publisher's claims on 10 keys, every amount new), through the API as editors record them.
const KEYS = [
  { measure: 'killed' },
  { measure: 'injured' },
  ...Array.from({ length: 8 }, (_, l) => ({
    measure: 'killed',
    dimensions: { location: `L${l}` },
  })),
];
const claimed = JSON.parse(
  (await call('POST', '/reports', { title: 'many sources', figures: [] })).body,
).id;
const claimRevisions = SIZES.claims / KEYS.length;
for (let n = 0; n < claimRevisions; n++) {
  const publisher = `P${n % 50}`;
  const { status } = await call('POST', `/reports/${claimed}/${n % 2 ? 'claims' : 'revisions'}`, {
    reason: 'bench',
    source: { url: `https://p${n % 50}.example/`, publisher },
    reportedAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
    figures: KEYS.map((key, k) => ({ ...key, value: n * 10 + k })),
  });
  if (status !== 201) throw new Error(`recording claims answered ${status}`);
}
const keyPaths = KEYS.map((key) =>
  encodeURIComponent(
    key.dimensions ? `${key.measure}{location=${key.dimensions.location}}` : key.measure,
  ),
);
const sourcesLatencies = [];
for (let i = 0; i < SIZES.samples; i++) {
  const path =
    i % 2 === 0
      ? `/reports/${claimed}/sources`
      : `/reports/${claimed}/figures/${keyPaths[i % keyPaths.length]}/sources`;
  const started = performance.now();
  const { status } = await call('GET', path);
  sourcesLatencies.push(performance.now() - started);
  if (status !== 200) throw new Error(`${path} answered ${status}`);
}
row(
  'sources_p50_ms',
  `sources views p50 (50 publishers, ${SIZES.claims} claims)`,
  percentile(sourcesLatencies, 50),
  'ms',
);
row('sources_p99_ms', 'sources views p99', percentile(sourcesLatencies, 99), 'ms');

// 6. The web app's report page for a report of 1 000 revisions: the server's time for the
// whole page (the report, its timelines, sources, a page of the log), and what a browser
// transfers for it (HTML, CSS and script, compressed as served).
const { body: pageFiled } = await call('POST', '/reports', {
  title: 'a report page',
  location: 'Deir Ezzor',
  figures: [{ measure: 'killed', value: 0 }],
  source: { url: 'https://observatory.example/0', publisher: 'Observatory' },
});
const pageId = JSON.parse(pageFiled).id;
for (let n = 2; n <= 1000; n++) {
  const publisher = n % 4 === 0 ? 'Network' : 'Observatory';
  const response = await call(
    'POST',
    `/reports/${pageId}/${n % 4 === 0 ? 'claims' : 'revisions'}`,
    {
      reason: `revision ${n}`,
      source: { url: `https://${publisher.toLowerCase()}.example/${n % 5}`, publisher },
      figures: [
        { measure: 'killed', value: n },
        { measure: 'killed', dimensions: { location: 'Al-Mayadeen' }, value: Math.floor(n / 2) },
      ],
    },
  );
  if (response.status !== 201) {
    throw new Error(`the page's report answered ${response.status}: ${response.body}`);
  }
}
// The page is timed once the async projections have caught up with its report's revisions.
for (let i = 0; i < 600; i++) {
  const { body } = await call('GET', '/projections');
  if (JSON.parse(body).every((p) => p.lag === 0)) break;
  await new Promise((r) => setTimeout(r, 100));
}
const signedIn = await new Promise((resolve, reject) => {
  const form = `token=${encodeURIComponent(token)}&next=%2F`;
  const request = http.request(
    {
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/ui/sign-in',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    },
    (response) => {
      response.resume();
      resolve(response.headers['set-cookie'][0].split(';')[0]);
    },
  );
  request.on('error', reject);
  request.end(form);
});
/** A page as a browser gets it: its status and the bytes transferred (compressed). */
function page(path) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'GET',
        path,
        agent,
        headers: { Cookie: signedIn, 'Accept-Encoding': 'gzip' },
      },
      (response) => {
        let bytes = 0;
        response.on('data', (c) => (bytes += c.length));
        response.on('end', () => resolve({ status: response.statusCode, bytes }));
      },
    );
    request.on('error', reject);
    request.end();
  });
}
const pageLatencies = [];
let pageBytes = 0;
for (let i = 0; i < SIZES.pageSamples + 10; i++) {
  const started = performance.now();
  const { status, bytes } = await page(`/ui/reports/${pageId}`);
  if (status !== 200) throw new Error(`the report page answered ${status}`);
  if (i >= 10) pageLatencies.push(performance.now() - started);
  pageBytes = bytes;
}
const assets = await Promise.all(['/ui/assets/tally.css', '/ui/assets/tally.js'].map(page));
row('page_report_p50_ms', 'report page p50 (1000 revisions)', percentile(pageLatencies, 50), 'ms');
row('page_report_p99_ms', 'report page p99', percentile(pageLatencies, 99), 'ms');
row(
  'page_report_kb',
  'report page transferred (HTML, CSS, JS)',
  (pageBytes + assets.reduce((n, a) => n + a.bytes, 0)) / 1024,
  'KB',
);

server.kill('SIGTERM');
await new Promise((r) => server.on('exit', r));
agent.destroy();

// 6. Importing an archive: JSON Lines written by examples/make-archive.mjs, through the CLI as
// users run it; its peak RSS read from /proc while it runs.
const archive = `${os.tmpdir()}/tally-bench-archive-${Date.now()}.jsonl`;
execFileSync(
  process.execPath,
  [new URL('../examples/make-archive.mjs', import.meta.url).pathname, String(SIZES.incidents)],
  { stdio: ['ignore', openSync(archive, 'w'), 'inherit'] },
);
const importer = spawn(
  process.execPath,
  [`${dist}apps/api/src/cli.js`, 'import', archive, '--actor', 'bench'],
  { env: { ...process.env, DATABASE_URL: dbUrl }, stdio: ['ignore', 'pipe', 'inherit'] },
);
let importOut = '';
importer.stdout.on('data', (c) => (importOut += c));
let importPeak = 0;
const sampling = setInterval(async () => {
  importPeak = Math.max(importPeak, await rssOf(importer.pid).catch(() => 0));
}, 100);
await new Promise((r) => importer.on('exit', r));
clearInterval(sampling);
rmSync(archive);
const imported = /: (\d+) recorded, \d+ unchanged, (\d+) failed \((\d+) lines in ([\d.]+) s/.exec(
  importOut,
);
if (!imported || imported[2] !== '0') throw new Error(`the import went wrong: ${importOut}`);
row(
  'import_lps',
  `import of ${imported[3]} JSON lines (CLI, 8 lanes)`,
  Number(imported[3]) / Number(imported[4]),
  'lines/s',
);
row('import_rss_mb', 'import peak RSS', importPeak, 'MB');

// 7. Rebuild of the report projections over reports x 5 revisions, in a process of its own.
await pool.query('TRUNCATE report_current, report_revisions, report_figure_changes');
await pool.query(`ALTER TABLE events DISABLE TRIGGER events_no_truncate`);
await pool.query(`TRUNCATE events`);
await pool.query(`ALTER TABLE events ENABLE TRIGGER events_no_truncate`);
// A bulk load as the owner, behind the guard that chains each event: the rebuild reads the
// events, it does not verify them.
await pool.query(`ALTER TABLE events DISABLE TRIGGER events_guard`);
await pool.query(
  `INSERT INTO events (stream_id, stream_version, type, schema_version, data, metadata, recorded_at, hash)
   SELECT 'report-' || r.id, v, CASE WHEN v = 1 THEN 'ReportFiled' ELSE 'ReportRevised' END, 1,
          CASE WHEN v = 1 THEN jsonb_build_object('title', 'report ' || r.n, 'summary', null,
                 'location', 'L' || (r.n % 50), 'occurredAt', null, 'reason', 'first', 'reportedAt', null,
                 'source', null, 'figures', jsonb_build_array(jsonb_build_object('key', 'killed',
                 'measure', 'killed', 'dimensions', '{}'::jsonb, 'amount', 10)))
          ELSE jsonb_build_object('kind', 'update', 'reason', 'toll rose', 'reportedAt', null,
                 'source', null, 'details', '{}'::jsonb, 'removedFigures', '[]'::jsonb,
                 'figures', jsonb_build_array(jsonb_build_object('key', 'killed', 'measure', 'killed',
                 'dimensions', '{}'::jsonb, 'amount', 10 + v))) END,
          '{"actor":"bench"}', now(), ''
     FROM (SELECT n, gen_random_uuid() AS id FROM generate_series(1, $1) n) r,
          generate_series(1, 5) v
    ORDER BY r.n, v`,
  [SIZES.rebuildReports],
);
await pool.query(`ALTER TABLE events ENABLE TRIGGER events_guard`);
// A log written over months has been analysed by autovacuum as it grew; one loaded in a single
// statement has not (nor ever, where autovacuum is off), and a planner that believes it empty
// sorts all of it for every page instead of walking the commit-order index.
await pool.query('VACUUM ANALYZE events');
const child = spawn(
  process.execPath,
  [
    new URL('./rebuild-child.mjs', import.meta.url).pathname,
    dbUrl,
    'report_current',
    'report_revisions',
    'figure_history',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
let childOut = '';
child.stdout.on('data', (c) => (childOut += c));
await new Promise((r) => child.on('exit', r));
const rebuilt = JSON.parse(childOut.trim().split('\n').at(-1));
const logEvents = SIZES.rebuildReports * 5;
row(
  'rebuild_eps',
  `rebuild of 3 projections in one pass, ${logEvents} events`,
  logEvents / rebuilt.seconds,
  'events/s',
);
row('rebuild_rss_mb', 'rebuild peak RSS', rebuilt.maxRssMb, 'MB');

// 8. Published digests over the same log: the Merkle log kept over it (as its projection does,
// a page at a time), a digest published (its tree head read and signed), and inclusion proofs
// of events picked at random against it.
const { MerkleLogProjection, DigestLog, signingKeyOf, inTransaction } = require(
  `${dist}libs/event-store/src`,
);
const { generateKeyPairSync } = await import('node:crypto');
await pool.query('TRUNCATE merkle_leaves, merkle_nodes');
const merkle = new MerkleLogProjection();
const merkleStarted = performance.now();
for (let after = null; ;) {
  const page = await new PostgresEventStore(pool).readAll({ after, limit: 10_000 });
  if (page.events.length === 0) break;
  await inTransaction(pool, (tx) => merkle.apply(tx, page.events));
  after = page.events[page.events.length - 1];
}
row(
  'merkle_eps',
  `Merkle log kept over ${logEvents} events`,
  logEvents / ((performance.now() - merkleStarted) / 1000),
  'events/s',
);
const digestLog = new DigestLog(pool);
const signingKey = signingKeyOf(
  generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
);
const digestTimes = [];
let digest;
for (let i = 0; i < 20; i++) {
  const started = performance.now();
  digest = await digestLog.publish(signingKey);
  digestTimes.push(performance.now() - started);
}
row('digest_ms', 'publishing a digest, p50', percentile(digestTimes, 50), 'ms');
const { rows: picked } = await pool.query(
  `SELECT stream_id, stream_version FROM events TABLESAMPLE SYSTEM (1) LIMIT 200`,
);
const proofTimes = [];
for (const event of picked) {
  const started = performance.now();
  const proof = await digestLog.inclusion(digest, event.stream_id, event.stream_version);
  proofTimes.push(performance.now() - started);
  if (!proof) throw new Error(`no proof for ${event.stream_id} ${event.stream_version}`);
}
row('proof_ms', `inclusion proof at ${logEvents} events, p50`, percentile(proofTimes, 50), 'ms');

await pool.end();
// pool.end() resolves before its connections have closed: let them go before dropping.
for (let i = 0; i < 50; i++) {
  const { rows } = await admin.query(
    'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
    [database],
  );
  if (rows[0].n === 0) break;
  await new Promise((r) => setTimeout(r, 100));
}
await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
// The serving role the server made for the bench database outlives it.
const { managedRoleName } = require(`${dist}apps/api/src/database/serving-role`);
await admin.query(`DROP ROLE IF EXISTS ${managedRoleName(database)}`);
await admin.end();
await embedded?.stop();

const results = {
  when: new Date().toISOString(),
  quick,
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  },
  postgres: Object.fromEntries(settings.map((s) => [s.name, s.setting])),
  rows,
};
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log('wrote bench/results.json');
