import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource, migrate, poolOf } from './data-source';

export const PG_POOL = Symbol('PG_POOL');

export interface DatabaseOptions {
  readonly url: string;
  readonly migrate: boolean;
  readonly poolSize?: number;
  readonly statementTimeoutMs?: number;
}

@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          useFactory: async () => {
            if (options.migrate) {
              const migrator = createDataSource(options.url, { poolSize: 2 });
              await migrator.initialize();
              try {
                await migrate(migrator);
              } finally {
                await migrator.destroy();
              }
            }
            const dataSource = createDataSource(options.url, {
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
      ],
      exports: [DataSource, PG_POOL],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

export type { Pool };
