import { createHash, createHmac } from 'node:crypto';
import { Client } from 'pg';

/** The server cannot serve through the role it was given; the message is the line to print. */
export class ServingRoleRefused extends Error {}

/**
 * The role the server manages on a database whose owner it was given alone (no
 * `TALLY_MIGRATION_DATABASE_URL`): one per database, since roles belong to the whole cluster.
 */
export function managedRoleName(database: string): string {
  return `tally_app_${createHash('sha256').update(database).digest('hex').slice(0, 12)}`;
}

/**
 * Makes the role that serves requests ready, through the owner's connection, and returns the URL
 * to serve with. With `servingUrl` (the operator's own role), it grants that role what serving
 * needs and checks it has nothing more on the events; without, it creates or updates the managed
 * role, whose password every instance derives alike from the owner's URL (so instances starting
 * together agree, and nobody without the owner's URL knows it).
 */
export async function prepareServingRole(
  ownerUrl: string,
  servingUrl: string | null,
): Promise<{ url: string; role: string }> {
  const owner = new Client({ connectionString: ownerUrl, application_name: 'tally-migrate' });
  await owner.connect();
  try {
    if (servingUrl !== null) {
      const role = decodeURIComponent(new URL(servingUrl).username);
      await concurrently(() => owner.query('SELECT grant_app_role($1)', [role]));
      await refuseIfItCanRewrite(owner, role);
      return { url: servingUrl, role };
    }
    const { rows } = await owner.query<{ database: string; user: string }>(
      'SELECT current_database() AS database, current_user AS user',
    );
    // A DATABASE_URL that is already a restricted role (granted with grant_app_role) serves as is.
    if ((await rightsToRewrite(owner, rows[0].user)).length === 0) {
      return { url: ownerUrl, role: rows[0].user };
    }
    const role = managedRoleName(rows[0].database);
    const password = createHmac('sha256', ownerUrl)
      .update(`tally serving role ${role}`)
      .digest('hex');
    await ensureRole(owner, role, password);
    await concurrently(() => owner.query('SELECT grant_app_role($1)', [role]));
    await refuseIfItCanRewrite(owner, role);
    const url = new URL(ownerUrl);
    url.username = role;
    url.password = password;
    return { url: url.toString(), role };
  } finally {
    await owner.end();
  }
}

/** CREATE ROLE, or its password brought up to date; two instances may race to create it. */
async function ensureRole(owner: Client, role: string, password: string): Promise<void> {
  // Both are plain: [a-z0-9_] and hex.
  await concurrently(() =>
    owner.query(`DO $$ BEGIN
        CREATE ROLE ${role} LOGIN PASSWORD '${password}';
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        ALTER ROLE ${role} LOGIN PASSWORD '${password}';
      END $$`),
  ).catch((error: unknown) => {
    if ((error as { code?: string }).code === '42501') {
      throw new ServingRoleRefused(
        'DATABASE_URL may not create roles, so the server cannot serve through a restricted ' +
          'one; set TALLY_MIGRATION_DATABASE_URL to the owner and DATABASE_URL to a role for serving',
      );
    }
    throw error;
  });
}

/**
 * Role and grant changes of instances starting together (or of other databases' servers on the
 * same cluster) touch the same catalog rows: "tuple concurrently updated" (XX000) or a lost race
 * means only "again".
 */
async function concurrently<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: string }).code;
      const again = code === 'XX000' || code === '40001' || code === '40P01' || code === '23505';
      if (!again || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
    }
  }
}

/** Refuses a serving role that could alter, truncate or bypass the events' guards. */
async function refuseIfItCanRewrite(owner: Client, role: string): Promise<void> {
  const rights = await rightsToRewrite(owner, role);
  if (rights.length > 0) {
    throw new ServingRoleRefused(
      `the serving role ${role} ${rights.join(', ')}: serve through a role that may only ` +
        'read and append (see TALLY_MIGRATION_DATABASE_URL)',
    );
  }
}

/** What `role` could do to the events beyond reading and appending; none is the aim. */
async function rightsToRewrite(owner: Client, role: string): Promise<string[]> {
  const { rows } = await owner.query<{ rights: string[] }>(
    `SELECT array_remove(ARRAY[
        CASE WHEN r.rolsuper THEN 'is a superuser' END,
        CASE WHEN pg_has_role(r.oid, c.relowner, 'USAGE') THEN 'owns the events table' END,
        CASE WHEN has_table_privilege(r.oid, c.oid, 'UPDATE') THEN 'may UPDATE events' END,
        CASE WHEN has_table_privilege(r.oid, c.oid, 'DELETE') THEN 'may DELETE events' END,
        CASE WHEN has_table_privilege(r.oid, c.oid, 'TRUNCATE') THEN 'may TRUNCATE events' END,
        CASE WHEN has_table_privilege(r.oid, c.oid, 'TRIGGER') THEN 'may add triggers' END,
        CASE WHEN r.rolbypassrls THEN 'bypasses row security' END
      ], NULL) AS rights
       FROM pg_roles r, pg_class c
      WHERE r.rolname = $1 AND c.oid = 'public.events'::regclass`,
    [role],
  );
  return rows[0]?.rights ?? ['does not exist'];
}
