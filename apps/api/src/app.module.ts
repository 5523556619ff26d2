import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream, LogFn, Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TallyConfig } from './config/tally-config';
import { TallyConfigModule } from './config/tally-config.module';
import { ReportsModule } from '@tally/reports';
import { DatabaseModule, PG_POOL } from './database/database.module';
import { HealthController } from './health/health.controller';
import { ProjectionsController } from './operations/projections.controller';
import { ProjectionsService } from './operations/projections.service';
import { AuthGuard } from './http/auth.guard';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { WriteThrottlerGuard, writeThrottlers } from './http/write-throttler.guard';
import { WebModule } from './web/web.module';
import { DigestsModule } from './digests/digests.module';

/** The contexts in which Nest says, at start, what it loaded and mapped: one line each. */
const STARTUP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** Logs Nest's start-up lines at debug rather than info, so that what matters stands out. */
function demoteStartupChatter(
  this: Logger,
  args: Parameters<LogFn>,
  method: LogFn,
  level: number,
): void {
  const [first] = args;
  const context =
    typeof first === 'object' && first !== null ? (first as { context?: unknown }).context : null;
  if (
    level === this.levels.values.info &&
    typeof context === 'string' &&
    STARTUP_CONTEXTS.has(context)
  ) {
    if (this.isLevelEnabled('debug')) this.debug(...(args as [object, string]));
    return;
  }
  method.apply(this, args);
}

@Module({})
export class AppModule {
  static forRoot(
    config: TallyConfig,
    databaseUrl: string,
    log: { level: string; stream?: DestinationStream } = { level: 'info' },
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: [
            {
              level: log.level,
              // Nest's start-up chatter (each module loaded, each route mapped): for debugging.
              hooks: { logMethod: demoteStartupChatter },
              // The request id is the correlation id of the events the request writes.
              genReqId: (request: IncomingMessage) =>
                (request as IncomingMessage & { requestId?: string }).requestId ?? randomUUID(),
              redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
              customProps: (request: IncomingMessage) => ({
                actor: (request as IncomingMessage & { principal?: { name: string } }).principal
                  ?.name,
              }),
            },
            log.stream ?? process.stdout,
          ],
        }),
        DatabaseModule.forRoot({
          url: databaseUrl,
          migrationUrl: config.migrationDatabaseUrl,
          migrate: config.migrate,
        }),
        TerminusModule.forRoot({ logger: false }),
        ReportsModule.register(PG_POOL),
        TallyConfigModule.forRoot(config),
        WebModule,
        DigestsModule,
        ThrottlerModule.forRoot({
          throttlers: writeThrottlers(config.writeLimit),
          errorMessage: 'too many writes: see Retry-After',
        }),
      ],
      controllers: [HealthController, ProjectionsController],
      providers: [
        ProjectionsService,
        // Order matters: the throttler counts writes per authenticated key.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: WriteThrottlerGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}
