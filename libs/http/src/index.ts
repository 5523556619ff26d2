export * from './auth';
export * from './http-errors';
export * from './pagination';
export * from './input';
export * from './api-errors';
export * from './api-route';
