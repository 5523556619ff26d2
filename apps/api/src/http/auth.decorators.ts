import { SetMetadata } from '@nestjs/common';
import { Role } from '../config/tally-config';

export const PUBLIC_ROUTE = 'tally:public';
export const REQUIRED_ROLE = 'tally:role';

/** No token needed (health, docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The lowest role that may call the route; reads default to `reader`. */
export const RequiresRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);
