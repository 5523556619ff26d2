import { createHash } from 'node:crypto';
import { isPowerOfTwo } from './verify-proof';

/**
 * The Merkle tree of RFC 9162 (section 2.1) over a log's entries, each entry an event's hash:
 * leaf = SHA-256(0x00 ‖ entry), node = SHA-256(0x01 ‖ left ‖ right). Computed from the hashes of
 * perfect subtrees ("nodes": the subtree of 2^level leaves starting at leaf index·2^level),
 * which a store keeps as the log grows, so that any tree head or proof reads a few dozen of them.
 */

export type Hash = Buffer;

/** A perfect subtree: its 2^level leaves start at leaf `index`·2^level. */
export interface NodeAt {
  readonly level: number;
  readonly index: number;
}

export function leafHash(entry: Buffer): Hash {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(entry)
    .digest();
}

export function nodeHash(left: Hash, right: Hash): Hash {
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(left)
    .update(right)
    .digest();
}

/** The largest power of two smaller than n (n > 1). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Reads the hash of a perfect subtree the log has complete. */
export type NodeReader = (node: NodeAt) => Hash;

/** MTH(D[start : start + size]) where the range is built from perfect subtrees. */
export function rangeHash(start: number, size: number, node: NodeReader): Hash {
  if (size === 1) return node({ level: 0, index: start });
  if (isPowerOfTwo(size) && start % size === 0) {
    return node({ level: Math.log2(size), index: start / size });
  }
  const k = splitPoint(size);
  return nodeHash(rangeHash(start, k, node), rangeHash(start + k, size - k, node));
}

/** The tree head of the first `size` entries. */
export function treeHead(size: number, node: NodeReader): Hash {
  if (size === 0) return createHash('sha256').digest();
  return rangeHash(0, size, node);
}

/** PATH(m, D[start : start + size]): the inclusion proof of entry m (RFC 9162, 2.1.3.1). */
export function inclusionPath(m: number, size: number, node: NodeReader, start = 0): Hash[] {
  if (size <= 1) return [];
  const k = splitPoint(size);
  return m < k
    ? [...inclusionPath(m, k, node, start), rangeHash(start + k, size - k, node)]
    : [...inclusionPath(m - k, size - k, node, start + k), rangeHash(start, k, node)];
}

/** PROOF(m, D[n]): the consistency proof of the first m entries with the first n (2.1.4.1). */
export function consistencyPath(m: number, n: number, node: NodeReader): Hash[] {
  if (m === 0 || m === n) return [];
  return subproof(m, 0, n, true, node);
}

function subproof(m: number, start: number, n: number, whole: boolean, node: NodeReader): Hash[] {
  if (m === n) return whole ? [] : [rangeHash(start, n, node)];
  const k = splitPoint(n);
  return m <= k
    ? [...subproof(m, start, k, whole, node), rangeHash(start + k, n - k, node)]
    : [...subproof(m - k, start + k, n - k, false, node), rangeHash(start, k, node)];
}

/**
 * The perfect subtrees a computation reads: it runs once with placeholder hashes, noting each
 * node asked for, so that the caller reads them all in one query before running it again.
 */
export function nodesRead(compute: (node: NodeReader) => unknown): NodeAt[] {
  const seen = new Map<string, NodeAt>();
  const placeholder = Buffer.alloc(32);
  compute((at) => {
    seen.set(`${at.level}:${at.index}`, at);
    return placeholder;
  });
  return [...seen.values()];
}

/**
 * The nodes a log's new leaves complete, from `size` leaves on: each leaf, and each perfect
 * subtree it closes, computed from the subtrees still open before it (`frontier`, read by level).
 */
export function appendLeaves(
  size: number,
  entries: readonly Buffer[],
  frontier: (at: NodeAt) => Hash,
): { level: number; index: number; hash: Hash }[] {
  const written = new Map<string, Hash>();
  const read = (at: NodeAt) => written.get(`${at.level}:${at.index}`) ?? frontier(at);
  const nodes: { level: number; index: number; hash: Hash }[] = [];
  entries.forEach((entry, i) => {
    let index = size + i;
    let level = 0;
    let hash = leafHash(entry);
    for (;;) {
      written.set(`${level}:${index}`, hash);
      nodes.push({ level, index, hash });
      if (index % 2 === 0) break;
      hash = nodeHash(read({ level, index: index - 1 }), hash);
      level += 1;
      index = (index - 1) / 2;
    }
  });
  return nodes;
}

/** The open perfect subtrees of a log of `size` leaves: the left siblings its next leaves need. */
export function frontierOf(size: number): NodeAt[] {
  const open: NodeAt[] = [];
  for (let level = 0; 2 ** level <= size; level++) {
    if (Math.floor(size / 2 ** level) % 2 === 1) {
      open.push({ level, index: Math.floor(size / 2 ** level) - 1 });
    }
  }
  return open;
}
