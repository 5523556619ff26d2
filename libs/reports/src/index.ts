export * from './domain';
export * from './reports.module';
export * from './report-command-runner';
export * from './report-stream';
export { ProblemResponse } from './shared/api-errors';
export * from './seed/seed-example';
export * from './seed/deir-ezzor.example';
