import { ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';

export const ROLES = ['reader', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** The actor recorded on every event this key writes. */
  readonly name: string;
  readonly role: Role;
}

export type TallyRequest = Request & { principal?: Principal; requestId?: string };

export const PUBLIC_ROUTE = 'tally:public';
export const REQUIRED_ROLE = 'tally:role';

/** No token needed (health, docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The lowest role that may call the route; routes without it need `reader`. */
export const RequiresRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

/** The authenticated caller; routes that write require a role, so there always is one. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const request = context.switchToHttp().getRequest<TallyRequest>();
    if (!request.principal) throw new Error('CurrentPrincipal on a route without authentication');
    return request.principal;
  },
);

/** The request id, also the correlation id of the events a request writes. */
export const RequestId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined =>
    context.switchToHttp().getRequest<TallyRequest>().requestId,
);
