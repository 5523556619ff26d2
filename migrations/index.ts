import { EventStore1764000000000 } from './1764000000000-event-store';

/** Every migration, in order. Listed explicitly so that compiled and ts-jest runs agree. */
export const migrations = [EventStore1764000000000];
