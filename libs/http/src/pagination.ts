import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ValidationFailed } from './http-errors';
import { MAX_INT32, parseZonedTime } from './input';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/** Cursors are opaque to clients: base64url of a small JSON value. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** What a cursor field may hold, each checked as strictly as the same value in a query. */
const CURSOR_FIELDS = {
  /** A revision number, as PostgreSQL's `integer` holds it. */
  revision: (value: unknown) =>
    typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_INT32
      ? value
      : undefined,
  /** A time, returned in the canonical form the list wrote. */
  time: (value: unknown) => parseZonedTime(value)?.toISOString(),
  uuid: (value: unknown) =>
    typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : undefined,
} as const;

type CursorField = keyof typeof CURSOR_FIELDS;
type CursorOf<S extends Record<string, CursorField>> = {
  [K in keyof S]: NonNullable<ReturnType<(typeof CURSOR_FIELDS)[S[K]]>>;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A cursor's fields, each of the kind `shape` names; a cursor that is not exactly one this list
 * gave (not base64url JSON, a field missing, extra or out of range) is a 400 at `cursor`, so no
 * value a client forged reaches SQL.
 */
export function decodeCursor<S extends Record<string, CursorField>>(
  cursor: string,
  shape: S,
): CursorOf<S> {
  const refused = () => ValidationFailed.at('cursor', 'is not a cursor this list gave');
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw refused();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refused();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw refused();
  const given = value as Record<string, unknown>;
  const names = Object.keys(shape);
  if (Object.keys(given).length !== names.length) throw refused();
  const decoded: Record<string, unknown> = {};
  for (const name of names) {
    const field = Object.hasOwn(given, name) ? CURSOR_FIELDS[shape[name]](given[name]) : undefined;
    if (field === undefined) throw refused();
    decoded[name] = field;
  }
  return decoded as CursorOf<S>;
}
