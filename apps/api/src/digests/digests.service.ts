import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DigestLog, SigningKey, signingKeyOf, storedSigningKey } from '@tally/event-store';
import { Pool } from 'pg';
import type { TallyConfig } from '../config/tally-config';
import { PG_POOL } from '../database/database.module';
import { TALLY_CONFIG } from '../http/auth.guard';

/**
 * Publishes digests: every `TALLY_DIGEST_INTERVAL` seconds when the log grew, and on request.
 * The key is `TALLY_SIGNING_KEY`, or the one stored in the database (made the first time).
 */
@Injectable()
export class DigestsService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly log: DigestLog;
  private key: SigningKey | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly logger = new Logger('digests');

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(TALLY_CONFIG) private readonly config: TallyConfig,
  ) {
    this.log = new DigestLog(pool);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.key = this.config.signingKey
      ? signingKeyOf(this.config.signingKey)
      : await storedSigningKey(this.pool);
    this.timer = setInterval(() => {
      this.publish(true).catch((error: unknown) =>
        this.logger.warn(`a digest was not published: ${(error as Error).message}`),
      );
    }, this.config.digestIntervalSeconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The public key digests are signed with. */
  signingKey(): SigningKey {
    if (!this.key) throw new Error('the signing key is not loaded yet');
    return this.key;
  }

  publish(onlyIfGrown = false) {
    return this.log.publish(this.signingKey(), onlyIfGrown);
  }
}
