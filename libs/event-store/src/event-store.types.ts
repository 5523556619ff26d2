import type { StatesBefore } from './projection';
/** What a caller appends: the stored type string is explicit, never a class name. */
export interface NewEvent<Data = unknown> {
  readonly type: string;
  readonly data: Data;
  /** The shape version of `data`; defaults to 1. Upcasters lift older versions on read. */
  readonly schemaVersion?: number;
}

/** Who did it and on whose behalf; stored as jsonb beside every event of one append. */
export interface EventMetadata {
  readonly actor?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly commandId?: string;
  readonly [key: string]: unknown;
}

export interface RecordedEvent<Data = unknown> {
  readonly globalPosition: string;
  readonly transactionId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: Data;
  readonly metadata: EventMetadata;
  readonly recordedAt: Date;
  readonly hash: string;
}

/** An event as the store is about to record it: all but what the database assigns on insert. */
export type PendingEvent<Data = unknown> = Omit<
  RecordedEvent<Data>,
  'globalPosition' | 'transactionId' | 'hash'
>;

/** `'any'`: append at whatever is current; `'no-stream'`: the stream must not exist yet. */
export type ExpectedVersion = number | 'any' | 'no-stream';

export interface AppendOptions {
  /**
   * Idempotency: a command id is unique across the store. Appending it again returns the first
   * result and writes nothing; with another fingerprint or stream it is refused.
   */
  readonly commandId?: string;
  /** What the command said (a hash of its content), compared when the command id repeats. */
  readonly fingerprint?: string;
  /** Handed to the inline projections: what the appender knew before (see `Projection`). */
  readonly known?: StatesBefore;
}

export interface AppendResult {
  readonly streamId: string;
  /** The stream's version after the append. */
  readonly nextVersion: number;
  readonly events: readonly RecordedEvent[];
  /** True when the command id had been appended before and nothing was written now. */
  readonly duplicate: boolean;
}

/** A reader's place in the global log: commit order is (transactionId, globalPosition). */
export interface Checkpoint {
  readonly transactionId: string;
  readonly globalPosition: string;
}

export interface ReadStreamOptions {
  readonly fromVersion?: number;
  readonly toVersion?: number;
  /** Only events recorded at or before this time. */
  readonly recordedUpTo?: Date;
  readonly limit?: number;
}

export interface ReadAllOptions {
  readonly after?: Checkpoint | null;
  readonly limit?: number;
  readonly types?: readonly string[];
}

export interface ReadAllResult {
  readonly events: readonly RecordedEvent[];
  /** The checkpoint of the last event returned, or the `after` given when none was. */
  readonly checkpoint: Checkpoint | null;
}

/** A place in a pass over the log stream by stream. */
export interface StreamPosition {
  readonly streamId: string;
  readonly streamVersion: number;
}

export interface ReadByStreamOptions {
  readonly after?: StreamPosition | null;
  /** Only events at or before this checkpoint. */
  readonly upTo: Checkpoint;
  readonly limit?: number;
  readonly types?: readonly string[];
}

export interface ReadByStreamResult {
  readonly events: readonly RecordedEvent[];
  /** The position of the last event returned, or the `after` given when none was. */
  readonly position: StreamPosition;
}

export type VerifyResult =
  | { readonly valid: true; readonly version: number; readonly head: string | null }
  | { readonly valid: false; readonly brokenAt: number; readonly reason: string };

/**
 * An idempotent command as kept: the versions it appended, `firstVersion..lastVersion`. A command
 * that appended nothing is kept as the empty range `lastVersion + 1..lastVersion`, `lastVersion`
 * being the version it was decided on.
 */
export interface RecordedCommand {
  readonly streamId: string;
  readonly fingerprint: string | null;
  readonly firstVersion: number;
  readonly lastVersion: number;
}
