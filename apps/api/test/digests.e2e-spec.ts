import {
  ConsistencyProof,
  Digest,
  InclusionProof,
  consistencyHolds,
  digestSigned,
  eventHash,
  inclusionHolds,
  signedBytes,
} from '@tally/event-store';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectionRegistry, rebuildByName } from '../src/operations/projection-registry';
import { verifyProof } from '../src/verify-proof/verify-proof-command';
import { PostgresEventStore } from '@tally/event-store';
import { parseApiKeys } from '../src/config/tally-config';
import {
  TOKENS,
  createTestApp,
  fileTarget,
  useTestApp,
  caughtUp as caughtUpWith,
} from './support/test-app';

/**
 * Published digests: an outsider who kept one can prove, with the public key alone, that the
 * events it covers were not altered, removed or reordered, even by whoever owns the database
 * and recomputes every hash the database holds.
 */
describe('published digests', () => {
  const t = useTestApp();
  let key: string;
  const reader = (path: string) => t.as('reader').get(path);

  const caughtUp = () => caughtUpWith(t);

  async function publish(): Promise<Digest> {
    await caughtUp();
    return (await t.as('admin').post('/digests').expect(201)).body;
  }

  function proof(id: string, revision: number, digest: Digest) {
    return reader(`/reports/${id}/revisions/${revision}/proof?digest=${digest.sequence}`);
  }

  function consistency(from: Digest, to: Digest) {
    return reader(`/digests/${from.sequence}/consistency/${to.sequence}`);
  }

  /** As the database's owner: statements the append-only and hashing triggers do not see. */
  async function asOwner(
    statements: (q: (sql: string, params?: unknown[]) => Promise<unknown>) => Promise<unknown>,
  ): Promise<void> {
    const client = await t.db.pool.connect();
    try {
      await client.query('SET session_replication_role = replica');
      await statements((sql, params) => client.query(sql, params));
    } finally {
      await client.query('SET session_replication_role = origin');
      client.release();
    }
  }

  /** Rewrites a stream's hash chain from an event on, as an attacker with the owner's rights would. */
  async function rechain(streamId: string): Promise<void> {
    const { rows } = await t.db.pool.query(
      `SELECT stream_id, stream_version, type, schema_version, data::text AS data,
              metadata::text AS metadata, recorded_at
         FROM events WHERE stream_id = $1 ORDER BY stream_version`,
      [streamId],
    );
    let previous = '';
    await asOwner(async (q) => {
      for (const row of rows) {
        const hash = eventHash({
          previousHash: previous,
          streamId: row.stream_id,
          streamVersion: row.stream_version,
          type: row.type,
          schemaVersion: row.schema_version,
          dataText: row.data,
          metadataText: row.metadata,
          recordedAt: row.recorded_at,
        });
        await q(
          'UPDATE events SET previous_hash = $1, hash = $2 WHERE stream_id = $3 AND stream_version = $4',
          [previous, hash, streamId, row.stream_version],
        );
        previous = hash;
      }
    });
  }

  /** Every read model rebuilt from the events as they now stand, the Merkle log included. */
  async function rebuildMerkleLog(): Promise<void> {
    const names = projectionRegistry().map((entry) => entry.projection.name);
    await rebuildByName(t.db.pool, new PostgresEventStore(t.db.pool), names);
  }

  let id: string;
  let kept: Digest;

  beforeAll(async () => {
    key = (await reader('/digests/key').expect(200)).text;
    id = await fileTarget(t, 'Strikes on 27 positions');
    for (const value of [18, 23]) {
      await t
        .as('editor')
        .post(`/reports/${id}/revisions`)
        .send({ reason: 'count', figures: [{ measure: 'killed', value }] })
        .expect(201);
    }
    for (let i = 0; i < 5; i++) await fileTarget(t, `filler ${i}`);
    kept = await publish();
  });

  it('signs a digest an outsider checks with the public key alone', async () => {
    expect(kept).toMatchObject({
      sequence: 1,
      events: 8,
      root: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(digestSigned(kept, key)).toBe(true);
    expect(await reader('/digests/latest').expect(200)).toHaveProperty('body', kept);
    expect(await reader('/digests/1').expect(200)).toHaveProperty('body', kept);
    expect(digestSigned({ ...kept, events: 9 }, key)).toBe(false);
    await reader('/digests/99').expect(404);
    await reader('/digests/x').expect(400);
    await t.as('editor').post('/digests').expect(403);
  });

  it('proves each revision included, and a later digest consistent, checked offline', async () => {
    for (const revision of [1, 2, 3]) {
      const { body } = await proof(id, revision, kept).expect(200);
      expect(inclusionHolds(body, kept)).toBe(true);
    }
    await fileTarget(t, 'after the digest');
    const later = await publish();
    expect(later.events).toBe(kept.events + 1);
    const { body } = await consistency(kept, later).expect(200);
    expect(consistencyHolds(body, kept, later)).toBe(true);
    // The CLI checks the same with files and the key, and no database.
    const dir = mkdtempSync(join(tmpdir(), 'tally-proof-'));
    const files = {
      digest: join(dir, 'digest.json'),
      earlier: join(dir, 'earlier.json'),
      proof: join(dir, 'proof.json'),
      inclusion: join(dir, 'inclusion.json'),
      key: join(dir, 'key.pem'),
    };
    writeFileSync(files.digest, JSON.stringify(later));
    writeFileSync(files.earlier, JSON.stringify(kept));
    writeFileSync(files.proof, JSON.stringify(body));
    writeFileSync(files.inclusion, JSON.stringify((await proof(id, 2, later).expect(200)).body));
    writeFileSync(files.key, key);
    // What `npm run cli -- verify-proof …` runs: its lines and its exit code.
    const cli = (...args: string[]) => {
      const lines: string[] = [];
      const log = jest
        .spyOn(console, 'log')
        .mockImplementation((line: string) => void lines.push(line));
      try {
        const code = verifyProof(args);
        return `${lines.join('\n')}\n${code === 0 ? '' : `exit ${code}`}`;
      } finally {
        log.mockRestore();
      }
    };
    expect(cli(files.digest, files.inclusion, '--key', files.key)).toMatch(
      /^ok: digest 2 is signed by the key\nok: event [0-9a-f]{64} is entry 1 of digest 2's 9\n$/,
    );
    expect(cli(files.digest, files.proof, '--key', files.key, '--from', files.earlier)).toContain(
      'ok: digest 2 extends digest 1 (8 → 9 events)',
    );
    writeFileSync(files.digest, JSON.stringify({ ...later, root: kept.root }));
    expect(cli(files.digest, files.inclusion, '--key', files.key)).toMatch(
      /^FAILED: digest 2 is signed by the key\nFAILED: event .*\nexit 1$/,
    );
  });

  it('answers 404 for a revision the digest does not cover, and bad input with 400', async () => {
    const { body: latest } = await reader('/digests/latest').expect(200);
    const late = await fileTarget(t, 'not in any digest yet');
    await proof(late, 1, latest).expect(404);
    await proof(id, 9, kept).expect(404);
    await reader(`/reports/${id}/revisions/1/proof`).expect(400);
    await reader(`/reports/${id}/revisions/0/proof?digest=1`).expect(400);
    await reader(`/reports/${id}/revisions/1/proof?digest=0`).expect(400);
    await reader(`/reports/not-a-uuid/revisions/1/proof?digest=1`).expect(400);
    await reader('/digests/2/consistency/1').expect(400);
    await reader('/digests/1/consistency/77').expect(404);
  });

  it('refuses a digest forged with another key', () => {
    const other = generateKeyPairSync('ed25519');
    const forged = { ...kept, root: 'ab'.repeat(32) };
    const signature = sign(null, signedBytes(forged), other.privateKey).toString('base64');
    expect(digestSigned({ ...forged, signature }, key)).toBe(false);
    expect(
      digestSigned(
        { ...forged, signature },
        other.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      ),
    ).toBe(true);
  });

  it('publishes on its own every interval when the log grew, and only then', async () => {
    const ticking = await createTestApp(
      { apiKeys: parseApiKeys(`rae:reader:${TOKENS.reader}`), digestIntervalSeconds: 1 },
      { logLevel: 'silent' },
      t.db,
    );
    try {
      const latest = async () =>
        (await ticking.as('reader').get('/digests/latest').expect(200)).body;
      await fileTarget(t, 'grown');
      await caughtUp();
      const before = await latest();
      let after = before;
      for (let i = 0; i < 40 && after.sequence === before.sequence; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = await latest();
      }
      expect(after.sequence).toBe(before.sequence + 1);
      expect(digestSigned(after, key)).toBe(true);
      // Nothing new: no new digest.
      await new Promise((r) => setTimeout(r, 1_500));
      expect((await latest()).sequence).toBe(after.sequence);
    } finally {
      await ticking.close();
    }
  });

  describe('against whoever owns the database', () => {
    it('loses when it rewrites an event and recomputes its stream and the Merkle log', async () => {
      await asOwner((q) =>
        q(
          `UPDATE events SET data = jsonb_set(data, '{claims,0,amount}', '19') WHERE stream_id = $1 AND stream_version = 3`,
          [`report-${id}`],
        ),
      );
      await rechain(`report-${id}`);
      await rebuildMerkleLog();
      // The chain alone no longer tells: recomputed, it verifies.
      expect((await reader(`/reports/${id}/verify`).expect(200)).body).toMatchObject({
        valid: true,
      });
      const { body: inclusion } = await proof(id, 3, kept).expect(200);
      expect(inclusionHolds(inclusion as InclusionProof, kept)).toBe(false);
      const after = await publish();
      const { body: extension } = await consistency(kept, after).expect(200);
      expect(consistencyHolds(extension as ConsistencyProof, kept, after)).toBe(false);
      expect(digestSigned(after, key)).toBe(true);
    });

    it('loses when it swaps two events in the global order', async () => {
      const honest = await publish();
      await asOwner(async (q) => {
        // Commit order is by transaction, then position: two filings of other reports trade
        // places.
        await q(`UPDATE events e SET transaction_id = o.other
                   FROM (SELECT global_position,
                                CASE WHEN row_number() OVER (ORDER BY global_position) = 1
                                     THEN lead(transaction_id) OVER (ORDER BY global_position)
                                     ELSE lag(transaction_id) OVER (ORDER BY global_position)
                                END AS other
                           FROM (SELECT global_position, transaction_id FROM events
                                  WHERE stream_version = 1
                                  ORDER BY global_position OFFSET 2 LIMIT 2) two) o
                  WHERE e.global_position = o.global_position`);
      });
      await rebuildMerkleLog();
      // The log goes on, so that the later digest is larger and its proof has a path to check.
      await fileTarget(t, 'after the swap');
      const after = await publish();
      const { body } = await consistency(honest, after).expect(200);
      expect(consistencyHolds(body, honest, after)).toBe(false);
    });

    it('loses when it deletes the last event', async () => {
      const honest = await publish();
      await asOwner((q) =>
        q('DELETE FROM events WHERE global_position = (SELECT max(global_position) FROM events)'),
      );
      await rebuildMerkleLog();
      const after = await publish();
      expect(after.events).toBe(honest.events - 1);
      const refused = await consistency(honest, after).expect(409);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      // Whatever proof the server makes up, the kept digest's size tells.
      expect(
        consistencyHolds(
          {
            from: honest.sequence,
            to: after.sequence,
            fromSize: honest.events,
            toSize: after.events,
            path: [],
          },
          honest,
          after,
        ),
      ).toBe(false);
    });
  });
});
