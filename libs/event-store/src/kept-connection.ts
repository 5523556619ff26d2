import { Pool, PoolClient } from 'pg';
import { APPENDED_CHANNEL } from './append-announcer';

/** A pooled connection kept for a while, with the error listener it must take off again. */
export interface Kept {
  readonly client: PoolClient;
  readonly onError: () => void;
}

/** Gives a kept connection back to the pool (or ends it), without the listeners put on it. */
export function giveBack({ client, onError }: Kept, destroy: boolean): void {
  client.off('error', onError);
  client.removeAllListeners('notification');
  client.release(destroy);
}

/**
 * LISTENs for the appends of other processes on a connection of its own. When that connection
 * dies (the database restarted), it listens again on a new one once the database answers, and
 * calls `onAppended` for what was appended meanwhile.
 */
export class AppendedListener {
  private listener: Kept | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = true;

  constructor(
    private readonly pool: Pool,
    private readonly onAppended: () => void,
    private readonly retryMs: number,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.listen();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.listener) {
      await this.listener.client.query(`UNLISTEN ${APPENDED_CHANNEL}`).catch(() => undefined);
      giveBack(this.listener, false);
      this.listener = null;
    }
  }

  private async listen(): Promise<void> {
    this.retryTimer = null;
    if (this.stopped || this.listener) return;
    let kept: Kept | null = null;
    try {
      const client = await this.pool.connect();
      const listening: Kept = {
        client,
        onError: () => {
          if (this.listener !== listening) return;
          this.listener = null;
          giveBack(listening, true);
          this.retry();
        },
      };
      kept = listening;
      client.on('error', listening.onError);
      client.on('notification', () => this.onAppended());
      await client.query(`LISTEN ${APPENDED_CHANNEL}`);
      if (this.stopped) {
        giveBack(listening, true);
        return;
      }
      this.listener = listening;
      this.onAppended(); // what was appended while nobody listened
    } catch {
      if (kept) giveBack(kept, true);
      this.retry();
    }
  }

  private retry(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => void this.listen(), this.retryMs);
    this.retryTimer.unref();
  }
}
