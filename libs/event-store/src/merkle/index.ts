export * from './digest-log';
export * from './merkle-log.projection';
export * from './merkle-tree';
export * from './verify-proof';
