/** Errors of the store; each carries a stable code and knows nothing of HTTP. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

export class StreamVersionConflictError extends EventStoreError {
  readonly code = 'stream_version_conflict';

  constructor(
    readonly streamId: string,
    readonly expected: number | 'no-stream',
    readonly actual: number,
  ) {
    super(`stream ${streamId} is at version ${actual}, expected ${expected}`);
  }
}

export class CommandReplayMismatchError extends EventStoreError {
  readonly code = 'command_replay_mismatch';

  constructor(readonly commandId: string) {
    super(`command ${commandId} was already appended with other content`);
  }
}

/** Another rebuild holds the rebuild lock, in this process or another (a server, the CLI). */
export class RebuildInProgressError extends EventStoreError {
  readonly code = 'rebuild_in_progress';

  constructor() {
    super('a rebuild is already running (in this or another instance, or the CLI); try later');
  }
}
