import { DynamicModule, Module } from '@nestjs/common';
import { ReportsModule } from '@tally/reports';
import { DatabaseModule, PG_POOL } from '../database/database.module';

/** What an import runs on: the database (migrated) and the reports' command handlers. */
@Module({})
export class ImportModule {
  static forRoot(url: string, migrationUrl: string | null): DynamicModule {
    return {
      module: ImportModule,
      imports: [
        DatabaseModule.forRoot({ url, migrationUrl, migrate: true }),
        ReportsModule.register(PG_POOL),
      ],
    };
  }
}
