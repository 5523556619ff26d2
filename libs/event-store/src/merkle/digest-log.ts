import {
  KeyObject,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
} from 'node:crypto';
import { Pool } from 'pg';
import { inTransaction } from '../transaction';
import { logSize, readNodes } from './merkle-log.projection';
import {
  Hash,
  NodeReader,
  consistencyPath,
  inclusionPath,
  nodesRead,
  treeHead,
} from './merkle-tree';
import { ConsistencyProof, Digest, InclusionProof, signedBytes } from './verify-proof';

/** The log holds fewer events than a digest covered: some were removed since. */
export class LogShrunkError extends Error {
  constructor(digest: Digest, size: number) {
    super(
      `digest ${digest.sequence} covered ${digest.events} events and the log holds ${size}: ` +
        'events were removed since',
    );
  }
}

/** The key that signs digests: Ed25519, with the id digests name it by. */
export interface SigningKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
  /** SPKI, PEM. */
  readonly publicKeyPem: string;
}

/** A key from its private PEM; its id is the first 16 hex digits of SHA-256 of its public key. */
export function signingKeyOf(privateKeyPem: string): SigningKey {
  const publicKey = createPublicKey(privateKeyPem);
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error('the signing key is not Ed25519');
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return {
    keyId: createHash('sha256').update(der).digest('hex').slice(0, 16),
    privateKey: createPrivateKey(privateKeyPem),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/** The key stored in the database, made and stored the first time (several servers agree). */
export async function storedSigningKey(pool: Pool): Promise<SigningKey> {
  const read = async () => {
    const { rows } = await pool.query<{ private_key: string }>(
      'SELECT private_key FROM signing_keys ORDER BY created_at, key_id LIMIT 1',
    );
    return rows[0] ? signingKeyOf(rows[0].private_key) : null;
  };
  const found = await read();
  if (found) return found;
  const { privateKey } = generateKeyPairSync('ed25519');
  const made = signingKeyOf(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  await pool.query(
    `INSERT INTO signing_keys (key_id, private_key, public_key)
     SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM signing_keys)`,
    [made.keyId, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), made.publicKeyPem],
  );
  return (await read())!;
}

interface DigestRow {
  sequence: string;
  position: string;
  events: string;
  root: string;
  signed_at: Date;
  key_id: string;
  signature: string;
}

const toDigest = (row: DigestRow): Digest => ({
  sequence: Number(row.sequence),
  position: row.position,
  events: Number(row.events),
  root: row.root,
  signedAt: row.signed_at.toISOString(),
  keyId: row.key_id,
  signature: row.signature,
});

const hex = (hash: Hash) => hash.toString('hex');

/**
 * Signed tree heads of the Merkle log, and the proofs against them: each reads the few perfect
 * subtrees it needs in one query (a plan run once with placeholders names them).
 */
export class DigestLog {
  constructor(private readonly pool: Pool) {}

  /**
   * Signs the tree head of the log as the Merkle projection has it and stores it as the next
   * digest; `onlyIfGrown`: nothing when the last digest already covers the log. Null when the
   * log is empty (or has not grown).
   */
  async publish(key: SigningKey, onlyIfGrown = false): Promise<Digest | null> {
    return inTransaction(this.pool, async (tx) => {
      // One publisher at a time: sequences follow each other, sizes never shrink.
      await tx.query('SELECT pg_advisory_xact_lock(7265730)');
      const size = await logSize(tx);
      const { rows: last } = await tx.query<DigestRow>(
        'SELECT * FROM digests ORDER BY sequence DESC LIMIT 1',
      );
      const previous = last[0] ? toDigest(last[0]) : null;
      if (size === 0 || (onlyIfGrown && previous && previous.events >= size)) return null;
      const root = await this.computed(tx, (node) => treeHead(size, node));
      const { rows: leaf } = await tx.query<{ position: string }>(
        'SELECT position FROM merkle_leaves WHERE leaf_index = $1',
        [size - 1],
      );
      const unsigned = {
        sequence: (previous?.sequence ?? 0) + 1,
        position: leaf[0].position,
        events: size,
        root: hex(root),
        signedAt: new Date().toISOString(),
        keyId: key.keyId,
      };
      const digest: Digest = {
        ...unsigned,
        signature: sign(null, signedBytes(unsigned), key.privateKey).toString('base64'),
      };
      await tx.query(
        `INSERT INTO digests (sequence, position, events, root, signed_at, key_id, signature)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          digest.sequence,
          digest.position,
          digest.events,
          digest.root,
          digest.signedAt,
          digest.keyId,
          digest.signature,
        ],
      );
      return digest;
    });
  }

  async latest(): Promise<Digest | null> {
    const { rows } = await this.pool.query<DigestRow>(
      'SELECT * FROM digests ORDER BY sequence DESC LIMIT 1',
    );
    return rows[0] ? toDigest(rows[0]) : null;
  }

  async get(sequence: number): Promise<Digest | null> {
    const { rows } = await this.pool.query<DigestRow>('SELECT * FROM digests WHERE sequence = $1', [
      sequence,
    ]);
    return rows[0] ? toDigest(rows[0]) : null;
  }

  /**
   * The inclusion proof of the event at (stream, version) in a digest's tree: null when the
   * event is not there or the digest does not cover it.
   */
  async inclusion(
    digest: Digest,
    streamId: string,
    version: number,
  ): Promise<InclusionProof | null> {
    const { rows } = await this.pool.query<{ leaf_index: string; event_hash: string }>(
      `SELECT l.leaf_index, l.event_hash
         FROM events e JOIN merkle_leaves l ON l.global_position = e.global_position
        WHERE e.stream_id = $1 AND e.stream_version = $2`,
      [streamId, version],
    );
    if (!rows[0] || Number(rows[0].leaf_index) >= digest.events) return null;
    await this.covering(digest);
    const leafIndex = Number(rows[0].leaf_index);
    const path = await this.computed(this.pool, (node) =>
      inclusionPath(leafIndex, digest.events, node),
    );
    return {
      digest: digest.sequence,
      treeSize: digest.events,
      leafIndex,
      eventHash: rows[0].event_hash,
      path: path.map(hex),
    };
  }

  /** The consistency proof that digest `to` extends digest `from`. */
  async consistency(from: Digest, to: Digest): Promise<ConsistencyProof> {
    if (from.events > to.events) throw new LogShrunkError(from, to.events);
    await this.covering(to);
    const path = await this.computed(this.pool, (node) =>
      consistencyPath(from.events, to.events, node),
    );
    return {
      from: from.sequence,
      to: to.sequence,
      fromSize: from.events,
      toSize: to.events,
      path: path.map(hex),
    };
  }

  /** Refuses a digest whose tree the log no longer holds whole. */
  private async covering(digest: Digest): Promise<void> {
    const size = await logSize(this.pool);
    if (size < digest.events) throw new LogShrunkError(digest, size);
  }

  /** Runs a computation over the log's nodes, reading those it needs first. */
  private async computed<T>(db: Pick<Pool, 'query'>, compute: (node: NodeReader) => T): Promise<T> {
    const nodes = await readNodes(db, nodesRead(compute));
    return compute((at) => nodes.get(`${at.level}:${at.index}`)!);
  }
}
