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
export { StatusChangeDto } from './shared/status-change.dto';
export { RetractReportCommand } from './retract-report/retract-report.command';
export { retractCommandOf } from './retract-report/retract-report.controller';
export { RestoreReportCommand } from './restore-report/restore-report.command';
export { restoreCommandOf } from './restore-report/restore-report.controller';
export { expectedRevisionOf, idempotencyOf } from './shared/write-context';
