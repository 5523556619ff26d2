import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerOptions } from '@nestjs/throttler';
import type { TallyRequest } from '@tally/http';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * TALLY_WRITE_LIMIT: writes per minute per API key and per client address. Reads are not
 * limited. Runs after authentication, so the key is known.
 */
@Injectable()
export class WriteThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<TallyRequest>();
    return READS.has(request.method);
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    context
      .switchToHttp()
      .getResponse()
      .setHeader('Retry-After', String(Math.max(1, detail.timeToBlockExpire)));
    return super.throwThrottlingException(context, detail);
  }
}

/** No throttler at all when the limit is 0: counting every write for nothing costs each one. */
export function writeThrottlers(limit: number): ThrottlerOptions[] {
  if (limit === 0) return [];
  const perMinute = { ttl: 60_000, limit };
  return [
    {
      name: 'key',
      ...perMinute,
      getTracker: (request) => `key:${(request as TallyRequest).principal?.name ?? '-'}`,
    },
    {
      name: 'address',
      ...perMinute,
      getTracker: (request) => `address:${(request as TallyRequest).ip ?? '-'}`,
    },
  ];
}
