import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { PostgresEventStore } from '@tally/event-store';
import { Pool } from 'pg';
import { DiffRevisionsController } from './diff-revisions/diff-revisions.controller';
import { DiffRevisionsHandler } from './diff-revisions/diff-revisions.query';
import { FigureHistoryController } from './figure-history/figure-history.controller';
import { FigureStatsController } from './figure-stats/figure-stats.controller';
import { FigureStatsHandler } from './figure-stats/figure-stats.query';
import { FigureHistoryHandler } from './figure-history/figure-history.query';
import { FileReportController } from './file-report/file-report.controller';
import { FileReportHandler } from './file-report/file-report.command';
import { GetReportController } from './get-report/get-report.controller';
import { GetReportHandler } from './get-report/get-report.query';
import { ListEventsController } from './list-events/list-events.controller';
import { ListEventsHandler } from './list-events/list-events.query';
import { ListReportsController } from './list-reports/list-reports.controller';
import { ListReportsHandler } from './list-reports/list-reports.query';
import { ListRevisionsController } from './list-revisions/list-revisions.controller';
import { GetRevisionHandler, ListRevisionsHandler } from './list-revisions/list-revisions.query';
import { reportProjections } from './projections';
import { ReportCommandRunner } from './report-command-runner';
import { REPORTS_EVENT_STORE, REPORTS_POOL, ReportStateCache } from './report-state-cache';
import { ReportSourcesController } from './report-sources/report-sources.controller';
import { GetSourcesHandler } from './report-sources/report-sources.query';
import { RecordClaimsController } from './record-claims/record-claims.controller';
import { RecordClaimsHandler } from './record-claims/record-claims.command';
import { ReviseReportController } from './revise-report/revise-report.controller';
import { RestoreReportController } from './restore-report/restore-report.controller';
import { RetractReportController } from './retract-report/retract-report.controller';
import { RestoreReportHandler } from './restore-report/restore-report.command';
import { RetractReportHandler } from './retract-report/retract-report.command';
import { ReviseReportHandler } from './revise-report/revise-report.command';
import { RevisionReader } from './revision-reader';
import { VerifyReportController } from './verify-report/verify-report.controller';
import { VerifyReportHandler } from './verify-report/verify-report.query';

@Module({})
export class ReportsModule {
  /** `poolToken`: the provider of the pg pool that the event store and the read models share. */
  static register(poolToken: symbol | string): DynamicModule {
    return {
      module: ReportsModule,
      imports: [CqrsModule.forRoot()],
      controllers: [
        FileReportController,
        ReviseReportController,
        RecordClaimsController,
        RetractReportController,
        RestoreReportController,
        ListReportsController,
        GetReportController,
        ListRevisionsController,
        DiffRevisionsController,
        FigureHistoryController,
        ReportSourcesController,
        ListEventsController,
        VerifyReportController,
        FigureStatsController,
      ],
      providers: [
        { provide: REPORTS_POOL, useExisting: poolToken },
        {
          provide: REPORTS_EVENT_STORE,
          useFactory: (pool: Pool) =>
            new PostgresEventStore(pool, { inlineProjections: reportProjections() }),
          inject: [REPORTS_POOL],
        },
        ReportStateCache,
        RevisionReader,
        ReportCommandRunner,
        FileReportHandler,
        ReviseReportHandler,
        RecordClaimsHandler,
        GetSourcesHandler,
        RetractReportHandler,
        RestoreReportHandler,
        GetReportHandler,
        ListReportsHandler,
        ListRevisionsHandler,
        GetRevisionHandler,
        DiffRevisionsHandler,
        FigureHistoryHandler,
        ListEventsHandler,
        VerifyReportHandler,
        FigureStatsHandler,
      ],
      exports: [REPORTS_EVENT_STORE, ReportCommandRunner],
    };
  }
}
