import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import { PUBLIC_ROUTE, Principal, REQUIRED_ROLE, ROLES, Role, TallyRequest } from '@tally/http';
import { ApiKey } from '../config/tally-config';
import type { TallyConfig } from '../config/tally-config';

export const TALLY_CONFIG = Symbol('TALLY_CONFIG');

/**
 * Bearer tokens from TALLY_API_KEYS. Tokens are compared as SHA-256 digests with
 * `timingSafeEqual`, against every key, so the time taken says nothing about any token.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly digests: { key: ApiKey; digest: Buffer }[];

  constructor(
    private readonly reflector: Reflector,
    @Inject(TALLY_CONFIG) private readonly config: TallyConfig,
  ) {
    this.digests = config.apiKeys.map((key) => ({ key, digest: sha256(key.token) }));
  }

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const required = this.reflector.getAllAndOverride<Role>(REQUIRED_ROLE, targets) ?? 'reader';
    const request = context.switchToHttp().getRequest<TallyRequest>();
    const header = request.headers.authorization;
    const principal = this.authenticate(header);
    if (principal) request.principal = principal;
    else if (header !== undefined) throw new UnauthorizedException('the bearer token is not valid');
    if (required === 'reader' && this.config.publicRead) return true;
    if (!principal) throw new UnauthorizedException('a bearer token is required');
    if (ROLES.indexOf(principal.role) < ROLES.indexOf(required)) {
      throw new ForbiddenException(`this needs the ${required} role`);
    }
    return true;
  }

  private authenticate(header: string | undefined): Principal | null {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match) return null;
    const presented = sha256(match[1]);
    let found: ApiKey | null = null;
    for (const { key, digest } of this.digests) {
      if (timingSafeEqual(digest, presented)) found = key;
    }
    return found && { name: found.name, role: found.role };
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
