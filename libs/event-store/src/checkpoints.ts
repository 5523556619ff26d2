import { Checkpoint } from './event-store.types';

const MAX_BIGINT = 2n ** 63n - 1n;
const MAX_XID8 = 2n ** 64n - 1n;

/** Position tokens for clients: opaque strings that encode a checkpoint. */
export function encodeCheckpoint(checkpoint: Checkpoint): string {
  return `${checkpoint.transactionId}-${checkpoint.globalPosition}`;
}

/** The checkpoint a token stands for, or null when the token is malformed. */
export function decodeCheckpoint(token: string): Checkpoint | null {
  const match = /^(\d{1,20})-(\d{1,19})$/.exec(token);
  if (!match) return null;
  if (BigInt(match[1]) > MAX_XID8 || BigInt(match[2]) > MAX_BIGINT) return null;
  return {
    transactionId: BigInt(match[1]).toString(),
    globalPosition: BigInt(match[2]).toString(),
  };
}

/**
 * Events after a checkpoint in commit order, `$1` and `$2` its transaction and position: the one
 * filter every reader of the log in commit order uses.
 */
export const AFTER_CHECKPOINT = '(e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)';

/** The parameters `AFTER_CHECKPOINT` takes; from the start of the log for null. */
export function checkpointParameters(after: Checkpoint | null): [string, string] {
  return [after?.transactionId ?? '0', after?.globalPosition ?? '0'];
}

/**
 * Only transactions older than every transaction still running: an event that commits late is
 * never skipped, it appears after the events that committed before it became visible.
 */
export const COMMITTED_BEFORE_ALL_RUNNING =
  'e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())';
