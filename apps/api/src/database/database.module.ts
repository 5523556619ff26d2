import {
  DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource, migrate, poolOf } from './data-source';
import { rebuildOutdatedReadModels } from '../operations/projection-registry';
import { prepareServingRole } from './serving-role';

export const PG_POOL = Symbol('PG_POOL');
/**
 * The owner's connections, for what only the owner may do and no request reaches: rebuilding
 * read models (new tables, a swap). Bound by no statement timeout: a rebuild takes its time.
 */
export const OWNER_POOL = Symbol('OWNER_POOL');

export interface DatabaseOptions {
  /** `DATABASE_URL`: the owner, unless `migrationUrl` is given; then the role to serve with. */
  readonly url: string;
  /** `TALLY_MIGRATION_DATABASE_URL`: the owner, when `url` is not. */
  readonly migrationUrl?: string | null;
  readonly migrate: boolean;
  readonly poolSize?: number;
  readonly statementTimeoutMs?: number;
}

@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(OWNER_POOL) private readonly ownerPool: Pool,
  ) {}

  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          useFactory: async () => {
            const ownerUrl = options.migrationUrl ?? options.url;
            if (options.migrate) {
              const migrator = createDataSource(ownerUrl, { poolSize: 4 });
              await migrator.initialize();
              try {
                await migrate(migrator);
                if (await rebuildOutdatedReadModels(poolOf(migrator))) {
                  new Logger('database').log('read models rebuilt from the events: new shape');
                }
              } finally {
                await migrator.destroy();
              }
            }
            // Requests are served through a role that may read and append, never rewrite events.
            const serving = await prepareServingRole(
              ownerUrl,
              options.migrationUrl ? options.url : null,
            );
            new Logger('database').log(
              `serving requests as role ${serving.role}: it may read and append, never rewrite events`,
            );
            const dataSource = createDataSource(serving.url, {
              poolSize: options.poolSize,
              statementTimeoutMs: options.statementTimeoutMs ?? 30_000,
            });
            await dataSource.initialize();
            // A connection that dies while checked out (PostgreSQL restarting) emits 'error' on
            // its client; unheard, that would end the process. Its query fails with the error
            // anyway (a 503), and the pool replaces the connection.
            poolOf(dataSource).on('connect', (client) => client.on('error', () => undefined));
            return dataSource;
          },
        },
        { provide: PG_POOL, useFactory: (ds: DataSource) => poolOf(ds), inject: [DataSource] },
        {
          provide: OWNER_POOL,
          useFactory: () => {
            const pool = new Pool({
              connectionString: options.migrationUrl ?? options.url,
              max: 3,
              application_name: 'tally-owner',
              keepAlive: true,
            });
            pool.on('error', () => undefined); // an idle connection lost: the pool replaces it
            return pool;
          },
        },
      ],
      exports: [DataSource, PG_POOL, OWNER_POOL],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.ownerPool.ended) await this.ownerPool.end();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

export type { Pool };
