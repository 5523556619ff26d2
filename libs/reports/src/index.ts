export * from './domain';
export * from './reports.module';
export { asyncReportProjections, reportProjections } from './projections';
export * from './report-command-runner';
export * from './report-stream';
export { REPORTS_EVENT_STORE } from './report-state-cache';
export * from './seed/seed-example';
export * from './seed/deir-ezzor.example';
// The write use cases, for entry points other than HTTP (the import): the same bodies, the same
// commands, the same handlers.
export { FileReportDto } from './file-report/file-report.dto';
export { FileReportCommand } from './file-report/file-report.command';
export { fileCommandOf, uuidFrom } from './file-report/file-report.controller';
export { ReviseReportDto } from './revise-report/revise-report.dto';
export { ReviseReportCommand } from './revise-report/revise-report.command';
export { reviseCommandOf } from './revise-report/revise-report.controller';
export { RecordClaimsDto } from './record-claims/record-claims.dto';
export { RecordClaimsCommand } from './record-claims/record-claims.command';
export { claimsCommandOf } from './record-claims/record-claims.controller';
export { StatusChangeDto, restoreCommandOf, retractCommandOf } from './shared/status-change.dto';
export { RetractReportCommand } from './retract-report/retract-report.command';
export { RestoreReportCommand } from './restore-report/restore-report.command';
export { expectedRevisionOf, idempotencyOf } from './shared/write-context';
// The read use cases, for entry points other than the JSON API (the web pages): the same
// queries, the same handlers.
export { GetReportQuery } from './get-report/get-report.query';
export { reportAt } from './get-report/get-report.controller';
export { ListReportsQuery } from './list-reports/list-reports.query';
export { ListRevisionsQuery } from './list-revisions/list-revisions.query';
export { revisionNumber } from './list-revisions/list-revisions.controller';
export type { RevisionItem } from './list-revisions/list-revisions.query';
export { DiffRevisionsQuery } from './diff-revisions/diff-revisions.query';
export { FigureHistoryQuery } from './figure-history/figure-history.query';
export type { FigureChangeItem } from './figure-history/figure-history.query';
export { GetSourcesQuery } from './report-sources/report-sources.query';
export { VerifyReportQuery } from './verify-report/verify-report.query';
export { reportListCursor, nextReportListCursor } from './shared/cursors';
export type { ReportAt } from './revision-reader';
