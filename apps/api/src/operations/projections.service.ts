import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { AsyncProjection, PostgresEventStore, ProjectionDaemon } from '@tally/event-store';
import { REPORTS_EVENT_STORE } from '@tally/reports';
import { Pool } from 'pg';
import { PG_POOL } from '../database/database.module';
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

export class RebuildInProgress extends Error {
  readonly code = 'rebuild_in_progress';

  constructor(name: string) {
    super(`projection ${name} is being rebuilt already`);
  }
}

/** Runs the async projections in this instance (when it holds their locks) and rebuilds. */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('projections');
  private readonly daemon: ProjectionDaemon;
  private readonly rebuilding = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(REPORTS_EVENT_STORE) private readonly store: PostgresEventStore,
  ) {
    const asyncProjections = projectionRegistry()
      .filter((entry) => entry.lifecycle === 'async')
      .map((entry) => entry.projection as AsyncProjection);
    this.daemon = new ProjectionDaemon(pool, store, asyncProjections);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.daemon.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.daemon.stop();
    await Promise.allSettled(this.rebuilding.values());
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

  /** Starts a rebuild in the background; reads keep answering from the live tables meanwhile. */
  startRebuild(name: string): void {
    if (!projectionRegistry().some((entry) => entry.projection.name === name)) {
      throw new ProjectionNotFound(name);
    }
    if (this.rebuilding.has(name)) throw new RebuildInProgress(name);
    const started = Date.now();
    const run = rebuildByName(this.pool, this.store, name)
      .then((result) =>
        this.logger.log(`rebuilt ${name}: ${result.events} events in ${Date.now() - started} ms`),
      )
      .catch((error: unknown) => this.logger.error(`rebuild of ${name} failed: ${String(error)}`))
      .finally(() => this.rebuilding.delete(name));
    this.rebuilding.set(name, run);
  }

  /** Resolves when the named rebuild (if any) has ended. */
  async settled(name: string): Promise<void> {
    await this.rebuilding.get(name);
  }
}
