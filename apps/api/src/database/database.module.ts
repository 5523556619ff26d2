import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource, migrate, poolOf } from './data-source';

export const PG_POOL = Symbol('PG_POOL');

export interface DatabaseOptions {
  readonly url: string;
  readonly migrate: boolean;
  readonly poolSize?: number;
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
            const dataSource = createDataSource(options.url, { poolSize: options.poolSize });
            await dataSource.initialize();
            if (options.migrate) await migrate(dataSource);
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
