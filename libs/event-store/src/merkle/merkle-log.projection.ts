import { PoolClient } from 'pg';
import { encodeCheckpoint } from '../checkpoints';
import { RecordedEvent } from '../event-store.types';
import { EVERY_EVENT, Projection } from '../projection';
import { Hash, NodeAt, appendLeaves, frontierOf } from './merkle-tree';

/**
 * The Merkle log (RFC 9162) over every event in commit order, the order `/events` serves: one
 * leaf per event (`merkle_leaves`: its index, position token and hash) and the hash of every
 * perfect subtree it completes (`merkle_nodes`), so that a tree head or a proof reads a few dozen
 * rows however long the log. Async, behind the appends, which it does not slow.
 */
export class MerkleLogProjection implements Projection {
  readonly name = 'merkle_log';
  readonly handles = EVERY_EVENT;
  readonly tables = ['merkle_leaves', 'merkle_nodes'];

  async apply(tx: PoolClient, events: readonly RecordedEvent[]): Promise<void> {
    const size = await logSize(tx);
    const open = frontierOf(size);
    const frontier = await readNodes(tx, open);
    const nodes = appendLeaves(
      size,
      events.map((e) => Buffer.from(e.hash, 'hex')),
      (at) => frontier.get(nodeKey(at))!,
    );
    await tx.query({
      name: 'tally_merkle_append',
      text: `WITH leaves AS (
               INSERT INTO merkle_leaves (leaf_index, position, global_position, event_hash)
               SELECT * FROM unnest($1::bigint[], $2::text[], $7::bigint[], $3::text[])
             )
             INSERT INTO merkle_nodes (level, node_index, hash)
             SELECT * FROM unnest($4::smallint[], $5::bigint[], $6::bytea[])`,
      values: [
        events.map((_, i) => size + i),
        events.map((e) => encodeCheckpoint(e)),
        events.map((e) => e.hash),
        nodes.map((n) => n.level),
        nodes.map((n) => n.index),
        nodes.map((n) => n.hash),
        events.map((e) => e.globalPosition),
      ],
    });
  }
}

/** How many leaves the log has. */
export async function logSize(db: Pick<PoolClient, 'query'>): Promise<number> {
  const { rows } = await db.query<{ size: string }>(
    'SELECT coalesce(max(leaf_index) + 1, 0) AS size FROM merkle_leaves',
  );
  return Number(rows[0].size);
}

/** The hashes of these perfect subtrees, by `nodeKey`; one query. */
export async function readNodes(
  db: Pick<PoolClient, 'query'>,
  nodes: readonly NodeAt[],
): Promise<Map<string, Hash>> {
  if (nodes.length === 0) return new Map();
  const { rows } = await db.query<{ level: number; node_index: string; hash: Buffer }>(
    `SELECT n.level, n.node_index, n.hash
       FROM unnest($1::smallint[], $2::bigint[]) AS w(level, node_index)
       JOIN merkle_nodes n ON n.level = w.level AND n.node_index = w.node_index`,
    [nodes.map((n) => n.level), nodes.map((n) => n.index)],
  );
  const found = new Map(
    rows.map((row) => [nodeKey({ level: row.level, index: Number(row.node_index) }), row.hash]),
  );
  for (const node of nodes) {
    if (!found.has(nodeKey(node))) {
      throw new Error(`the Merkle log has no node ${nodeKey(node)}: rebuild merkle_log`);
    }
  }
  return found;
}

export function nodeKey(at: NodeAt): string {
  return `${at.level}:${at.index}`;
}
