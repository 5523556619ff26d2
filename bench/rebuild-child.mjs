// Rebuilds the report projections in a process of its own, so that its peak RSS is the
// rebuild's alone. Prints one JSON line: { events, seconds, maxRssMb }.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const dist = new URL('../dist/apps/api/', import.meta.url).pathname;
const { Pool } = require('pg');
const { PostgresEventStore } = require(`${dist}libs/event-store/src`);
const { rebuildByName } = require(`${dist}apps/api/src/operations/projection-registry`);

const [url, ...names] = process.argv.slice(2);
const pool = new Pool({ connectionString: url, max: 10 });
const store = new PostgresEventStore(pool);
const started = process.hrtime.bigint();
// The projections are rebuilt together: one pass over the log, each page applied to all three.
const { events } = await rebuildByName(pool, store, names, { batchSize: 2000 });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await pool.end();
console.log(JSON.stringify({ events, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
