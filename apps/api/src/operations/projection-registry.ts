import {
  RebuildInProgressError,
  RebuildOptions,
  Checkpoint,
  MerkleLogProjection,
  PostgresEventStore,
  Projection,
  decodeCheckpoint,
  encodeCheckpoint,
  projectionStates,
  rebuildProjections,
  typesOf,
} from '@tally/event-store';
// The projections alone, not the HTTP module: a rebuild's process loads what it runs.
import { asyncReportProjections, reportProjections } from '@tally/reports/projections';
import { Pool } from 'pg';

export interface ProjectionEntry {
  readonly projection: Projection;
  readonly lifecycle: 'inline' | 'async';
}

export interface ProjectionReport {
  readonly name: string;
  readonly lifecycle: 'inline' | 'async';
  readonly position: string | null;
  readonly lag: number;
  readonly status: string;
  readonly error?: string;
  readonly failedPosition?: string;
}

/** Every named projection of the product, inline and async, each rebuildable. */
export function projectionRegistry(): ProjectionEntry[] {
  return [
    ...reportProjections().map((projection) => ({ projection, lifecycle: 'inline' as const })),
    ...asyncReportProjections().map((projection) => ({ projection, lifecycle: 'async' as const })),
    { projection: new MerkleLogProjection(), lifecycle: 'async' },
  ];
}

/** Where each projection stands: inline ones are at the head by construction. */
export async function reportProjectionStates(
  pool: Pool,
  store: PostgresEventStore,
  rebuilding: ReadonlySet<string> = new Set(),
): Promise<ProjectionReport[]> {
  const head = await store.head();
  const stored = new Map((await projectionStates(pool)).map((state) => [state.name, state]));
  const reports: ProjectionReport[] = [];
  for (const { projection, lifecycle } of projectionRegistry()) {
    if (lifecycle === 'inline') {
      reports.push({
        name: projection.name,
        lifecycle,
        position: head && encodeCheckpoint(head),
        lag: 0,
        status: rebuilding.has(projection.name) ? 'rebuilding' : 'running',
      });
      continue;
    }
    const state = stored.get(projection.name);
    const checkpoint: Checkpoint | null = state?.position ? decodeCheckpoint(state.position) : null;
    reports.push({
      name: projection.name,
      lifecycle,
      position: state?.position ?? null,
      lag: await store.countAfter(checkpoint, typesOf([projection])),
      status: rebuilding.has(projection.name) ? 'rebuilding' : (state?.status ?? 'stopped'),
      ...(state?.error ? { error: state.error } : {}),
      ...(state?.failedPosition ? { failedPosition: state.failedPosition } : {}),
    });
  }
  return reports;
}

/** Rebuilds the named projections in one pass over the log. */
export async function rebuildByName(
  pool: Pool,
  store: PostgresEventStore,
  names: string | readonly string[],
  options: RebuildOptions = {},
) {
  const entries = projectionRegistry();
  const targets = (typeof names === 'string' ? [names] : names).map((name) => {
    const entry = entries.find((e) => e.projection.name === name);
    if (!entry) throw new Error(`no projection named ${name}`);
    return { projection: entry.projection, async: entry.lifecycle === 'async' };
  });
  return rebuildProjections(pool, store, targets, options);
}

/**
 * Read models written before a change of the report state's shape (claims), or totals kept
 * before the reported axis (no sweep), hold rows without it: every projection is rebuilt from the
 * events, once, before the server serves. Another
 * process already rebuilding is waited for.
 */
export async function rebuildOutdatedReadModels(pool: Pool): Promise<boolean> {
  const outdated = async () => {
    // One row of each table tells: a rebuild swaps a whole table in, so its rows are all of one
    // shape; this keeps the check off a scan of every state at each start.
    const { rows } = await pool.query<{ outdated: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM (SELECT state FROM report_current LIMIT 1) r
                       WHERE NOT r.state ? 'publishers')
           OR EXISTS (SELECT 1 FROM (SELECT state, reported FROM stats_reports LIMIT 1) s
                       WHERE NOT s.state ? 'publishers' OR s.reported IS NULL) AS outdated`,
    );
    return rows[0].outdated;
  };
  if (!(await outdated())) return false;
  const names = projectionRegistry().map((entry) => entry.projection.name);
  for (;;) {
    try {
      await rebuildByName(pool, new PostgresEventStore(pool), names);
      return true;
    } catch (error) {
      if (!(error instanceof RebuildInProgressError)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (!(await outdated())) return true;
    }
  }
}
