import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE, Principal, REQUIRED_ROLE, ROLES, Role, TallyRequest } from '@tally/http';
import type { TallyConfig } from '../config/tally-config';
import { ApiKeys } from './api-keys';

export const TALLY_CONFIG = Symbol('TALLY_CONFIG');

/** Bearer tokens from TALLY_API_KEYS (see `ApiKeys`). */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly keys: ApiKeys;

  constructor(
    private readonly reflector: Reflector,
    @Inject(TALLY_CONFIG) private readonly config: TallyConfig,
  ) {
    this.keys = new ApiKeys(config.apiKeys);
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
    const found = match && this.keys.find(match[1]);
    return found && { name: found.name, role: found.role };
  }
}
