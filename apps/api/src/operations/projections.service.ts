import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { PostgresEventStore, ProjectionDaemon, RebuildInProgressError } from '@tally/event-store';
import { REPORTS_EVENT_STORE } from '@tally/reports';
import { Pool } from 'pg';
import { OWNER_POOL, PG_POOL } from '../database/database.module';
import {
  ProjectionReport,
  projectionRegistry,
  rebuildByName,
  reportProjectionStates,
} from './projection-registry';

export class ProjectionNotFound extends Error {
  readonly code = 'projection_not_found';

  constructor(name: string) {
    super(`no projection named ${name}`);
  }
}

/** Runs the async projections in this instance (when it holds their locks) and rebuilds. */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('projections');
  private readonly daemon: ProjectionDaemon;
  /** This instance's rebuilds: how each ends, and how to stop it at shutdown. */
  private readonly rebuilding = new Map<
    string,
    { readonly ended: Promise<void>; readonly abort: AbortController }
  >();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(OWNER_POOL) private readonly ownerPool: Pool,
    @Inject(REPORTS_EVENT_STORE) private readonly store: PostgresEventStore,
  ) {
    const asyncProjections = projectionRegistry()
      .filter((entry) => entry.lifecycle === 'async')
      .map((entry) => entry.projection);
    this.daemon = new ProjectionDaemon(pool, store, asyncProjections);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.daemon.start();
  }

  async onModuleDestroy(): Promise<void> {
    // A rebuild stops at its next page and drops what it built; the live tables stay as they were.
    for (const { abort } of this.rebuilding.values()) abort.abort();
    await this.daemon.stop();
    await Promise.allSettled([...this.rebuilding.values()].map((rebuild) => rebuild.ended));
  }

  status(): Promise<ProjectionReport[]> {
    return reportProjectionStates(this.pool, this.store, new Set(this.rebuilding.keys()));
  }

  /**
   * After an event stopped a projection in `error` (and the cause was fixed): tries that event
   * again, in whichever instance runs the projection.
   */
  async resume(name: string): Promise<ProjectionReport> {
    if (!projectionRegistry().some((entry) => entry.projection.name === name)) {
      throw new ProjectionNotFound(name);
    }
    await this.daemon.resume(name);
    const states = await this.status();
    return states.find((state) => state.name === name)!;
  }

  /**
   * Starts a rebuild in the background, through the owner's connections; resolves once it holds
   * the rebuild lock, and refuses (`RebuildInProgressError`) when another rebuild, here or in
   * another instance or the CLI, holds it. Reads keep answering from the live tables meanwhile.
   */
  async startRebuild(name: string): Promise<void> {
    if (!projectionRegistry().some((entry) => entry.projection.name === name)) {
      throw new ProjectionNotFound(name);
    }
    if (this.rebuilding.size > 0) throw new RebuildInProgressError();
    const began = Date.now();
    const abort = new AbortController();
    let started!: () => void;
    const holdsLock = new Promise<void>((resolve) => (started = resolve));
    const run = rebuildByName(this.ownerPool, this.store, name, {
      signal: abort.signal,
      onStarted: started,
    });
    const ended = run
      .then((result) =>
        this.logger.log(`rebuilt ${name}: ${result.events} events in ${Date.now() - began} ms`),
      )
      .catch((error: unknown) => {
        if (!(error instanceof RebuildInProgressError)) {
          this.logger.error(`rebuild of ${name} failed: ${String(error)}`);
        }
      })
      .finally(() => this.rebuilding.delete(name));
    this.rebuilding.set(name, { ended, abort });
    await Promise.race([holdsLock, run]);
  }

  /** Resolves when the named rebuild (if any) has ended. */
  async settled(name: string): Promise<void> {
    await this.rebuilding.get(name)?.ended;
  }
}
