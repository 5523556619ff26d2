import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { TallyConfig } from './config/tally-config';
import { ReportsModule } from '@tally/reports';
import { DatabaseModule, PG_POOL } from './database/database.module';
import { HealthController } from './health/health.controller';
import { ProjectionsController } from './operations/projections.controller';
import { ProjectionsService } from './operations/projections.service';
import { AuthGuard, TALLY_CONFIG } from './http/auth.guard';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { WriteThrottlerGuard, writeThrottlers } from './http/write-throttler.guard';

@Module({})
export class AppModule {
  static forRoot(config: TallyConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forRoot({ url: databaseUrl, migrate: config.migrate }),
        TerminusModule.forRoot({ logger: false }),
        ReportsModule.register(PG_POOL),
        ThrottlerModule.forRoot({
          throttlers: writeThrottlers(config.writeLimit),
          errorMessage: 'too many writes: see Retry-After',
        }),
      ],
      controllers: [HealthController, ProjectionsController],
      providers: [
        { provide: TALLY_CONFIG, useValue: config },
        ProjectionsService,
        // Order matters: the throttler counts writes per authenticated key.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: WriteThrottlerGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}
