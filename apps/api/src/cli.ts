import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/tally-config';
import { PostgresEventStore, RebuildInProgressError } from '@tally/event-store';
import { createDataSource, migrate, poolOf } from './database/data-source';
import {
  rebuildByName,
  rebuildOutdatedReadModels,
  reportProjectionStates,
} from './operations/projection-registry';
import { startEmbeddedPostgres } from './database/embedded-postgres';
import { IMPORT_USAGE, importArguments, runImport } from './import/import-command';
import { VERIFY_USAGE, verifyProof } from './verify-proof/verify-proof-command';

const USAGE = [
  'usage: tally migrate',
  `       ${IMPORT_USAGE}`,
  `       ${VERIFY_USAGE}`,
  '       tally projections status',
  '       tally projections rebuild <name> [<name> …]   (several: one pass over the log)',
].join('\n');

async function main(argv: string[]): Promise<number> {
  const [command, action, ...names] = argv;
  // Offline: no configuration, no database.
  if (command === 'verify-proof') return verifyProof(argv.slice(1));
  const importing = command === 'import' ? importArguments(argv.slice(1)) : null;
  const known =
    importing !== null ||
    command === 'migrate' ||
    (command === 'projections' &&
      (action === 'status' || (action === 'rebuild' && names.length > 0)));
  if (!known) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig(process.env, 'tool');
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(config);
  // The owner's connection: migrating and rebuilding create and move tables.
  const ownerUrl = config.migrationDatabaseUrl ?? config.databaseUrl ?? embedded!.url;
  if (importing) {
    try {
      const url = config.databaseUrl ?? embedded!.url;
      return await runImport(importing, url, config.migrationDatabaseUrl);
    } finally {
      await embedded?.stop();
    }
  }
  const dataSource = createDataSource(ownerUrl, { poolSize: 4 });
  try {
    await dataSource.initialize();
    const applied = await migrate(dataSource);
    if (command === 'migrate') {
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
      if (await rebuildOutdatedReadModels(poolOf(dataSource))) {
        console.log('read models rebuilt from the events: new shape');
      }
      return 0;
    }
    const pool = poolOf(dataSource);
    const store = new PostgresEventStore(pool);
    if (action === 'rebuild') {
      const started = Date.now();
      const result = await rebuildByName(pool, store, names);
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `rebuilt ${names.join(', ')}: ${result.events} events in ${seconds.toFixed(1)} s ` +
          `(${Math.round(result.events / Math.max(seconds, 0.001))} events/s)`,
      );
    }
    console.table(await reportProjectionStates(pool, store));
    return 0;
  } finally {
    await dataSource.destroy().catch(() => undefined);
    await embedded?.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(
      error instanceof ConfigError
        ? `tally: bad configuration: ${message}`
        : error instanceof RebuildInProgressError
          ? `tally: not rebuilding: ${message}`
          : message,
    );
    process.exit(1);
  },
);
