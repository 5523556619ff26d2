import { BadRequestException, ExecutionContext, createParamDecorator } from '@nestjs/common';
import { Principal, TallyRequest, ValidationFailed } from '@tally/http';
import { createHash } from 'node:crypto';
import { CommandContext } from '../report-command-runner';

/** What a write request says about itself besides its body. */
export interface WriteRequestInfo {
  readonly principal: Principal;
  readonly requestId?: string;
  readonly ifMatch?: string;
  readonly idempotencyKey?: string;
  /** `POST /reports/…/revisions`: part of an idempotent request's fingerprint. */
  readonly route: string;
}

export const WriteRequest = createParamDecorator(
  (_data: unknown, context: ExecutionContext): WriteRequestInfo => writeRequestOf(context),
);

/** A write to a filed report: the report's id from the path, and what the request says. */
export interface RevisionRequest extends WriteRequestInfo {
  readonly reportId: string;
}

/** As `ParseUUIDPipe` reads a UUID: any version. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `RevisionRequest` of a route whose path has the report's `:id`. */
export const Revising = createParamDecorator(
  (_data: unknown, context: ExecutionContext): RevisionRequest => {
    const id: unknown = context.switchToHttp().getRequest<TallyRequest>().params.id;
    if (typeof id !== 'string' || !UUID.test(id)) {
      throw new BadRequestException('Validation failed (uuid is expected)');
    }
    return { reportId: id, ...writeRequestOf(context) };
  },
);

function writeRequestOf(context: ExecutionContext): WriteRequestInfo {
  const request = context.switchToHttp().getRequest<TallyRequest>();
  if (!request.principal) throw new Error('WriteRequest on a route without authentication');
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  return {
    principal: request.principal,
    requestId: request.requestId,
    ifMatch: header('if-match'),
    idempotencyKey: header('idempotency-key'),
    route: `${request.method} ${request.path}`,
  };
}

/** The command's context: the actor, the correlation id, the expected revision, idempotency. */
export function contextOf(
  request: WriteRequestInfo,
  body: { expectedRevision?: number },
): CommandContext {
  return {
    actor: request.principal.name,
    correlationId: request.requestId,
    expectedRevision: expectedRevisionOf(request.ifMatch, body.expectedRevision),
    idempotency: idempotencyOf(request.idempotencyKey, request.route, body),
  };
}

/** `If-Match: "3"` (or `3`) as an expected revision; `*` or no header expects nothing. */
export function expectedRevisionOf(
  ifMatch: string | undefined,
  inBody: number | undefined,
): number | undefined {
  let fromHeader: number | undefined;
  if (ifMatch !== undefined && ifMatch.trim() !== '*') {
    const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(ifMatch);
    if (!match) throw ValidationFailed.at('If-Match', 'must be a revision such as "3"');
    fromHeader = Number(match[1]);
  }
  if (fromHeader !== undefined && inBody !== undefined && fromHeader !== inBody) {
    throw ValidationFailed.at('expectedRevision', 'differs from If-Match');
  }
  return inBody ?? fromHeader;
}

/** An `Idempotency-Key` with a fingerprint of the request, so a changed body is told apart. */
export function idempotencyOf(
  key: string | undefined,
  route: string,
  body: unknown,
): { key: string; fingerprint: string } | undefined {
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw ValidationFailed.at('Idempotency-Key', 'must be 1 to 200 visible ASCII characters');
  }
  const fingerprint = createHash('sha256')
    .update(`${route}\n${canonicalJson(body)}`)
    .digest('hex');
  return { key, fingerprint };
}

/** JSON with object keys sorted, so that the same body sent twice has one fingerprint. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
