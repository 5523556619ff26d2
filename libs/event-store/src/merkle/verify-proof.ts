import canonicalize from 'canonicalize';
import { createHash, createPublicKey, verify } from 'node:crypto';

/**
 * Checking a published digest and a proof against it, with nothing but the digest, the proof and
 * the public key: no database, no server code. Small on purpose, so that anyone can read it and
 * write their own (README, "Published digests", gives the bytes):
 * - a digest's signature is Ed25519 over the RFC 8785 canonical JSON of the digest without
 *   `signature`;
 * - a leaf is SHA-256(0x00 ‖ the event's hash as 32 bytes), a node SHA-256(0x01 ‖ left ‖ right)
 *   (RFC 9162, 2.1.1); inclusion and consistency proofs are checked as RFC 9162 2.1.3.2 and
 *   2.1.4.2 say.
 */

export interface Digest {
  readonly sequence: number;
  readonly position: string;
  readonly events: number;
  readonly root: string;
  readonly signedAt: string;
  readonly keyId: string;
  readonly signature: string;
}

export interface InclusionProof {
  readonly digest: number;
  readonly treeSize: number;
  readonly leafIndex: number;
  readonly eventHash: string;
  readonly path: readonly string[];
}

export interface ConsistencyProof {
  readonly from: number;
  readonly to: number;
  readonly fromSize: number;
  readonly toSize: number;
  readonly path: readonly string[];
}

/** The bytes a digest's signature covers: its canonical JSON without the signature. */
export function signedBytes(digest: Omit<Digest, 'signature'> & { signature?: string }): Buffer {
  const signed: Record<string, unknown> = { ...digest };
  delete signed.signature;
  return Buffer.from(canonicalize(signed)!, 'utf8');
}

/** True when the digest was signed by the key (PEM, Ed25519). */
export function digestSigned(digest: Digest, publicKeyPem: string): boolean {
  try {
    const key = createPublicKey(publicKeyPem);
    return verify(null, signedBytes(digest), key, Buffer.from(digest.signature, 'base64'));
  } catch {
    return false;
  }
}

const sha256 = (...parts: Buffer[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const node = (left: Buffer, right: Buffer) => sha256(Buffer.from([1]), left, right);
const hex = (text: string) => {
  if (!/^[0-9a-f]{64}$/.test(text)) throw new Error(`not a SHA-256 in hex: ${text}`);
  return Buffer.from(text, 'hex');
};
const odd = (n: number) => n % 2 === 1;
/** By arithmetic, not 32-bit bitwise operators: a log may outgrow 2^31 entries. */
export function isPowerOfTwo(n: number): boolean {
  if (!Number.isSafeInteger(n) || n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}
const half = (n: number) => Math.floor(n / 2);

/**
 * The climb RFC 9162 2.1.3.2 and 2.1.4.2 share: each hash of the path joins the running hashes
 * from the left (`true`) or the right, as the node numbers `fn` and `sn` say; false when the path
 * does not end at the root.
 */
function climb(
  fn: number,
  sn: number,
  path: readonly Buffer[],
  join: (sibling: Buffer, onTheLeft: boolean) => void,
): boolean {
  for (const sibling of path) {
    if (sn === 0) return false;
    const onTheLeft = odd(fn) || fn === sn;
    join(sibling, onTheLeft);
    if (onTheLeft) {
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0;
}

/** RFC 9162 2.1.3.2: the proof leads from the event's leaf to the digest's root. */
export function inclusionHolds(proof: InclusionProof, digest: Digest): boolean {
  if (proof.treeSize !== digest.events || proof.leafIndex >= proof.treeSize) return false;
  let r = sha256(Buffer.from([0]), hex(proof.eventHash));
  const reachesRoot = climb(proof.leafIndex, proof.treeSize - 1, proof.path.map(hex), (p, left) => {
    r = left ? node(p, r) : node(r, p);
  });
  return reachesRoot && r.equals(hex(digest.root));
}

/** RFC 9162 2.1.4.2: the later digest's tree extends the earlier's, nothing before it changed. */
export function consistencyHolds(proof: ConsistencyProof, first: Digest, second: Digest): boolean {
  const m = proof.fromSize;
  const n = proof.toSize;
  if (m !== first.events || n !== second.events || m > n || m === 0) return false;
  if (m === n) return proof.path.length === 0 && first.root === second.root;
  const path = proof.path.map(hex);
  // A first tree of 2^k leaves is a subtree of the second: its root starts the path.
  if (isPowerOfTwo(m)) path.unshift(hex(first.root));
  if (path.length === 0) return false;
  let fn = m - 1;
  let sn = n - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  const reachesRoot = climb(fn, sn, path.slice(1), (c, left) => {
    if (left) fr = node(c, fr);
    sr = left ? node(c, sr) : node(sr, c);
  });
  return reachesRoot && fr.equals(hex(first.root)) && sr.equals(hex(second.root));
}
