export * from './domain';
export * from './reports.module';
export { asyncReportProjections, reportProjections } from './projections';
export * from './report-command-runner';
export * from './report-stream';
export { ApiErrors, ProblemResponse } from './shared/api-errors';
export { REPORTS_EVENT_STORE } from './report-store';
export * from './seed/seed-example';
export * from './seed/deir-ezzor.example';
