import { Pool } from 'pg';

/** Where appends are announced to daemons in other processes. */
export const APPENDED_CHANNEL = 'tally_events';
/** At most one NOTIFY per window: each takes a database-wide lock at commit. */
const NOTIFY_WINDOW_MS = 50;

/**
 * Wakes this process's listeners at once, and daemons elsewhere through one NOTIFY per window,
 * sent after the append committed: a NOTIFY inside every append would serialise the commits.
 */
export class AppendAnnouncer {
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly pool: Pool) {}

  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  announce(): void {
    for (const listener of this.listeners) listener();
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pool.query("SELECT pg_notify($1, '')", [APPENDED_CHANNEL]).catch(() => undefined);
    }, NOTIFY_WINDOW_MS);
    this.timer.unref();
  }
}
