import { createHash } from 'node:crypto';
import {
  Hash,
  NodeAt,
  appendLeaves,
  consistencyPath,
  frontierOf,
  inclusionPath,
  leafHash,
  nodeHash,
  splitPoint,
  treeHead,
} from '../src/merkle/merkle-tree';
import { Digest, consistencyHolds, inclusionHolds } from '../src/merkle/verify-proof';

/** MTH as RFC 9162 2.1.1 defines it, straight from the entries: what the stored nodes must give. */
function referenceHead(entries: readonly Buffer[]): Hash {
  if (entries.length === 0) return createHash('sha256').digest();
  if (entries.length === 1) return leafHash(entries[0]);
  const k = splitPoint(entries.length);
  return nodeHash(referenceHead(entries.slice(0, k)), referenceHead(entries.slice(k)));
}

/** A log grown in uneven batches, its nodes kept as a store keeps them. */
function grow(entries: readonly Buffer[]) {
  const nodes = new Map<string, Hash>();
  const key = (at: NodeAt) => `${at.level}:${at.index}`;
  let size = 0;
  for (let batch = 1; size < entries.length; batch = (batch % 7) + 1) {
    const next = entries.slice(size, size + batch);
    const frontier = new Map(frontierOf(size).map((at) => [key(at), nodes.get(key(at))!]));
    for (const written of appendLeaves(size, next, (at) => frontier.get(key(at))!)) {
      nodes.set(key(written), written.hash);
    }
    size += next.length;
  }
  return (at: NodeAt) => {
    const hash = nodes.get(key(at));
    if (!hash) throw new Error(`no node ${key(at)}`);
    return hash;
  };
}

const entryOf = (i: number) => createHash('sha256').update(`event ${i}`).digest();
const digestOf = (events: number, root: Hash): Digest => ({
  sequence: 1,
  position: '0',
  events,
  root: root.toString('hex'),
  signedAt: '2026-12-01T00:00:00.000Z',
  keyId: 'k',
  signature: '',
});

describe('the Merkle log of RFC 9162', () => {
  it('gives the test vectors of Certificate Transparency', () => {
    const inputs = [
      '',
      '00',
      '10',
      '2021',
      '3031',
      '40414243',
      '5051525354555657',
      '606162636465666768696a6b6c6d6e6f',
    ];
    const entries = inputs.map((h) => Buffer.from(h, 'hex'));
    expect(treeHead(8, grow(entries)).toString('hex')).toBe(
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    );
    expect(treeHead(0, grow([])).toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('heads every size as the definition does, from the nodes kept as the log grows', () => {
    const entries = Array.from({ length: 70 }, (_, i) => entryOf(i));
    const node = grow(entries);
    for (let n = 1; n <= entries.length; n++) {
      expect(treeHead(n, node)).toEqual(referenceHead(entries.slice(0, n)));
    }
  });

  it('proves every entry of every size included, and no other entry', () => {
    const entries = Array.from({ length: 40 }, (_, i) => entryOf(i));
    const node = grow(entries);
    for (let n = 1; n <= entries.length; n++) {
      const digest = digestOf(n, treeHead(n, node));
      for (let m = 0; m < n; m++) {
        const proof = {
          digest: 1,
          treeSize: n,
          leafIndex: m,
          eventHash: entries[m].toString('hex'),
          path: inclusionPath(m, n, node).map((h) => h.toString('hex')),
        };
        expect(inclusionHolds(proof, digest)).toBe(true);
        expect(inclusionHolds({ ...proof, eventHash: entryOf(999).toString('hex') }, digest)).toBe(
          false,
        );
        if (n > 1) {
          expect(inclusionHolds({ ...proof, leafIndex: (m + 1) % n }, digest)).toBe(false);
        }
      }
    }
  });

  it('proves every earlier tree consistent with every later one, and not a changed one', () => {
    const entries = Array.from({ length: 33 }, (_, i) => entryOf(i));
    const node = grow(entries);
    const changed = grow(entries.map((e, i) => (i === 5 ? entryOf(500) : e)));
    for (let n = 1; n <= entries.length; n++) {
      for (let m = 1; m <= n; m++) {
        const path = consistencyPath(m, n, node).map((h) => h.toString('hex'));
        const proof = { from: 1, to: 2, fromSize: m, toSize: n, path };
        const first = digestOf(m, treeHead(m, node));
        const second = digestOf(n, treeHead(n, node));
        expect(consistencyHolds(proof, first, second)).toBe(true);
        if (m > 5) {
          // A first tree that held another entry 5 is not extended by the second.
          expect(consistencyHolds(proof, digestOf(m, treeHead(m, changed)), second)).toBe(false);
        }
      }
    }
  });
});
