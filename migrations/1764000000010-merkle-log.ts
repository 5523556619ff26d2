import { grantingAlso, sqlMigration } from './sql-migration';
import { GRANT_APP_ROLE_REPORTED_TOTALS } from './1764000000009-reported-totals';

export const GRANT_APP_ROLE_DIGESTS = grantingAlso(
  GRANT_APP_ROLE_REPORTED_TOTALS,
  'stats_reported_periods',
  ['merkle_leaves', 'merkle_nodes'],
).replace(
  "EXECUTE format('GRANT SELECT ON migrations TO %I', p_role);",
  `EXECUTE format('GRANT SELECT ON migrations TO %I', p_role);
        EXECUTE format('GRANT SELECT, INSERT ON digests, signing_keys TO %I', p_role);`,
);

/**
 * Published digests: the Merkle log over every event in commit order (`merkle_leaves`, one per
 * event; `merkle_nodes`, the hash of every perfect subtree), kept by an async projection; the
 * signed tree heads published (`digests`, append-only like the events); the key that signs them
 * when none is configured (`signing_keys`).
 */
export const MerkleLog1764000000010 = sqlMigration('MerkleLog1764000000010', {
  up: `
      CREATE TABLE merkle_leaves (
        leaf_index bigint PRIMARY KEY,
        position text NOT NULL UNIQUE,
        global_position bigint NOT NULL UNIQUE,
        event_hash text NOT NULL
      );
      CREATE TABLE merkle_nodes (
        level smallint NOT NULL,
        node_index bigint NOT NULL,
        hash bytea NOT NULL,
        PRIMARY KEY (level, node_index)
      );
      CREATE TABLE digests (
        sequence bigint PRIMARY KEY,
        position text NOT NULL,
        events bigint NOT NULL,
        root text NOT NULL,
        signed_at timestamptz NOT NULL,
        key_id text NOT NULL,
        signature text NOT NULL
      );
      CREATE TRIGGER digests_append_only BEFORE UPDATE OR DELETE ON digests
        FOR EACH ROW EXECUTE FUNCTION events_refuse_change();
      CREATE TABLE signing_keys (
        key_id text PRIMARY KEY,
        private_key text NOT NULL,
        public_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      ${GRANT_APP_ROLE_DIGESTS}
    `,
  down: `
      ${GRANT_APP_ROLE_REPORTED_TOTALS}
      DROP TABLE signing_keys;
      DROP TABLE digests;
      DROP TABLE merkle_nodes;
      DROP TABLE merkle_leaves;
    `,
});
