import { generateKeyPairSync } from 'node:crypto';
import { DigestLog, SigningKey, signingKeyOf } from '../src/merkle/digest-log';
import { MerkleLogProjection } from '../src/merkle/merkle-log.projection';
import { Digest, consistencyHolds, digestSigned, inclusionHolds } from '../src/merkle/verify-proof';
import { PostgresEventStore } from '../src/event-store';
import { inTransaction } from '../src/transaction';
import { useTestDatabase } from '../../../test/support/test-database';

/**
 * The honest path at scale: a log of 100 000 events, its Merkle log kept by the projection in
 * batches, digests published as it grows; proofs for the first, a middle and the last event
 * verify, and every digest is proved consistent with every later one.
 */
describe('the Merkle log of 100 000 events', () => {
  const db = useTestDatabase();
  const SIZE = 100_000;
  let key: SigningKey;
  let log: DigestLog;
  const digests: Digest[] = [];

  beforeAll(async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    key = signingKeyOf(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    log = new DigestLog(db.pool);
    // Streams of ten events each, loaded in bulk as the owner behind the guard that chains them:
    // the Merkle log takes each event's hash as it is stored.
    await db.pool.query('ALTER TABLE events DISABLE TRIGGER events_guard');
    await db.pool.query(
      `INSERT INTO events (stream_id, stream_version, type, schema_version, data, metadata,
                           recorded_at, hash)
       SELECT 's-' || (n / 10), n % 10 + 1, 'Counted', 1, jsonb_build_object('n', n), '{}',
              now(), encode(sha256(convert_to('event ' || n, 'UTF8')), 'hex')
         FROM generate_series(0, $1 - 1) AS n ORDER BY n`,
      [SIZE],
    );
    await db.pool.query('ALTER TABLE events ENABLE TRIGGER events_guard');
    const store = new PostgresEventStore(db.pool);
    const projection = new MerkleLogProjection();
    const publishAt = new Set([1, 4_096, 65_537, SIZE]);
    let after = null;
    let applied = 0;
    for (;;) {
      const page = await store.readAll({ after, limit: 4_096 });
      if (page.events.length === 0) break;
      // Digests at sizes inside pages, too: apply up to each.
      let rest = page.events;
      while (rest.length > 0) {
        const next = [...publishAt].filter((n) => n > applied).sort((a, b) => a - b)[0];
        const take =
          next !== undefined && next - applied <= rest.length ? next - applied : rest.length;
        await inTransaction(db.pool, (tx) => projection.apply(tx, rest.slice(0, take)));
        applied += take;
        rest = rest.slice(take);
        if (publishAt.has(applied)) digests.push((await log.publish(key))!);
      }
      after = page.events[page.events.length - 1];
    }
  });

  it('signs a digest at each size, over every event', () => {
    expect(digests.map((d) => d.events)).toEqual([1, 4_096, 65_537, SIZE]);
    for (const digest of digests) expect(digestSigned(digest, key.publicKeyPem)).toBe(true);
  });

  it('proves the first, a middle and the last event included', async () => {
    const last = digests[digests.length - 1];
    for (const [stream, version] of [
      ['s-0', 1],
      ['s-5000', 4],
      [`s-${(SIZE - 10) / 10}`, 10],
    ] as const) {
      const proof = await log.inclusion(last, String(stream), version);
      expect(proof).not.toBeNull();
      expect(proof!.path.length).toBeLessThanOrEqual(17);
      expect(inclusionHolds(proof!, last)).toBe(true);
    }
  });

  it('proves every digest consistent with every later one', async () => {
    for (let a = 0; a < digests.length; a++) {
      for (let b = a; b < digests.length; b++) {
        const proof = await log.consistency(digests[a], digests[b]);
        expect(consistencyHolds(proof, digests[a], digests[b])).toBe(true);
      }
    }
  });
});
