export * from './figures';
export * from './report.commands';
export * from './report.decider';
export * from './report.diff';
export * from './report.errors';
export * from './report.events';
export * from './report.state';
export * from './report.view';
