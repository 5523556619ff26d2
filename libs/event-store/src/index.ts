export * from './append-statement';
export * from './event-store';
export * from './event-store.errors';
export * from './event-store.types';
export * from './hash-chain';
export * from './upcasters';
export * from './projection-daemon';
export * from './projection-rebuild';
