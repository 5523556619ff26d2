export * from './domain';
export * from './reports.module';
export { asyncReportProjections, reportProjections } from './projections';
export * from './report-command-runner';
export * from './report-stream';
export { REPORTS_EVENT_STORE } from './report-state-cache';
export * from './seed/seed-example';
export * from './seed/deir-ezzor.example';
