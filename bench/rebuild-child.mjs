// Rebuilds the report projections in a process of its own, so that its peak RSS is the
// rebuild's alone. Prints one JSON line: { events, seconds, maxRssMb }.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const dist = new URL('../dist/apps/api/', import.meta.url).pathname;
const { Pool } = require('pg');
const { PostgresEventStore } = require(`${dist}libs/event-store/src`);
const { rebuildByName } = require(`${dist}apps/api/src/operations/projection-registry`);

const [url, ...names] = process.argv.slice(2);
const pool = new Pool({ connectionString: url, max: 6 });
const store = new PostgresEventStore(pool);
const started = process.hrtime.bigint();
// The projections are rebuilt side by side, as three rebuild requests would run them.
const rebuilt = await Promise.all(
  names.map((name) => rebuildByName(pool, store, name, { batchSize: 2000 })),
);
const events = rebuilt.reduce((sum, result) => sum + result.events, 0);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await pool.end();
console.log(JSON.stringify({ events, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
