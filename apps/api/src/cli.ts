import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/tally-config';
import { createDataSource, migrate } from './database/data-source';
import { startEmbeddedPostgres } from './database/embedded-postgres';

const USAGE = 'usage: tally migrate';

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (command !== 'migrate') {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig(process.env, 'tool');
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(config);
  const dataSource = createDataSource(config.databaseUrl ?? embedded!.url, { poolSize: 2 });
  try {
    await dataSource.initialize();
    const applied = await migrate(dataSource);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
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
    console.error(error instanceof ConfigError ? `tally: bad configuration: ${message}` : message);
    process.exit(1);
  },
);
