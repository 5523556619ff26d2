import { SetMetadata } from '@nestjs/common';
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
