import { PoolClient } from 'pg';

/* The DDL of a rebuild: building tables shaped like the live ones, and what the swap carries over. */

/**
 * The indexes of `live`, each as the statement that builds it, under the same name, on `copy`:
 * a constraint's (primary key, unique) as an ADD CONSTRAINT, the others as a CREATE INDEX.
 */
export async function indexesOf(
  tx: PoolClient,
  live: string,
  copy: string,
): Promise<{ definition: string; constraint: boolean }[]> {
  const { rows } = await tx.query<{ definition: string; constraint: boolean }>(
    `SELECT CASE WHEN c.oid IS NULL
                 THEN regexp_replace(pg_get_indexdef(i.indexrelid), ' ON \\S+ USING ',
                                     ' ON ' || $2 || ' USING ')
                 ELSE 'ALTER TABLE ' || $2 || ' ADD CONSTRAINT ' || quote_ident(c.conname) || ' '
                        || pg_get_constraintdef(c.oid) END AS definition,
            c.oid IS NOT NULL AS constraint
       FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid
        AND c.conrelid = i.indrelid
      WHERE i.indrelid = $1::regclass`,
    [live, copy],
  );
  return rows;
}

/**
 * Gives the swapped-in table what the retired one had beside its rows: its owner and every grant
 * (the serving role's among them), so that a rebuild changes no one's rights.
 */
export async function keepRights(tx: PoolClient, retired: string, table: string): Promise<void> {
  const { rows } = await tx.query<{ statement: string }>(
    `SELECT format('ALTER TABLE %s OWNER TO %I', $2::text, pg_get_userbyid(old.relowner))
              AS statement
       FROM pg_class old, pg_class new
      WHERE old.oid = $1::regclass AND new.oid = $2::regclass AND old.relowner <> new.relowner
     UNION ALL
     SELECT format('GRANT %s ON %s TO %s', a.privilege_type, $2::text,
                   CASE WHEN a.grantee = 0 THEN 'PUBLIC'
                        ELSE quote_ident(pg_get_userbyid(a.grantee)) END)
       FROM pg_class old, aclexplode(old.relacl) a
      WHERE old.oid = $1::regclass AND a.grantee <> old.relowner`,
    [retired, table],
  );
  for (const { statement } of rows) await tx.query(statement);
}

/** Runs `work` with the projection's unqualified table names resolving to its building copy. */
export async function withSearchPath(
  tx: PoolClient,
  schema: string,
  work: () => Promise<void>,
): Promise<void> {
  await tx.query(`SET LOCAL search_path = ${schema}`);
  await work();
  await tx.query('SET LOCAL search_path = public');
}
