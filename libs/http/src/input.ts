import { Param, ParseUUIDPipe, applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import {
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
  ValidationOptions,
  buildMessage,
} from 'class-validator';
import { Type } from 'class-transformer';
import type { FieldError } from './http-errors';

/** The largest revision, limit or count a request may give: PostgreSQL's `integer`. */
export const MAX_INT32 = 2_147_483_647;

/** A path parameter that must be a UUID, such as a report's `id`. */
export const UuidParam = (name: string) => Param(name, new ParseUUIDPipe());

/** A revision number in a query string: a whole number from 1 to `MAX_INT32`. */
export const IsRevisionNumber = () =>
  applyDecorators(
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(MAX_INT32),
  );

/** ISO 8601 with a zone: `2026-11-20T21:05:00Z` or `…+03:00`. */
const ZONED_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

/** The instants every layer can hold: PostgreSQL has no year 0, and JavaScript prints year 10000 as `+010000`. */
const EARLIEST = Date.parse('0001-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * A time as the API takes it: ISO 8601 with a zone, a real calendar date (no 30 February, no hour
 * 24), between years 1 and 9999 once in UTC. Null for anything else.
 */
export function parseZonedTime(text: unknown): Date | null {
  if (typeof text !== 'string') return null;
  const match = ZONED_TIME.exec(text);
  if (!match) return null;
  const [, year, month, day, hour, minute, second = '0', , offsetHours, offsetMinutes] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return null;
  if (offsetHours !== undefined && (Number(offsetHours) > 23 || Number(offsetMinutes) > 59)) {
    return null;
  }
  const time = Date.parse(text);
  if (Number.isNaN(time) || time < EARLIEST || time > LATEST) return null;
  return new Date(time);
}

function daysIn(year: number, month: number): number {
  const lastDay = new Date(0);
  lastDay.setUTCFullYear(year, month, 0); // day 0 of the next month; no 1900 offset for years < 100
  return lastDay.getUTCDate();
}

export function IsZonedTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isZonedTime',
      validator: {
        validate: (value: unknown) => parseZonedTime(value) !== null,
        defaultMessage: buildMessage(
          (each) =>
            `${each}must be an ISO 8601 time with a zone between years 1 and 9999, e.g. 2026-11-20T21:05:00Z`,
          options,
        ),
      },
    },
    options,
  );
}

/** Text PostgreSQL can store and JSON can carry: no NUL characters, no lone surrogates. */
export function isStorable(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed();
}

export function IsStorableText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStorableText',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isStorable(value),
        defaultMessage: buildMessage(
          (each) => `${each}must be text without NUL characters or lone surrogates`,
          options,
        ),
      },
    },
    options,
  );
}

/**
 * Keys that JavaScript treats as an object's machinery rather than its data. Nest's validation
 * pipe deletes them from every object it is given, so a request that used one would lose it
 * silently (`killed{constructor=Syrian}` became the headline `killed`): such a request is refused.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'prototype',
  'constructor',
]);

/**
 * The first thing in a request's body, query or path parameters that no route may take: text
 * that cannot be stored (a NUL, a lone surrogate, in a value or a key) or a reserved key, at any
 * depth, with its path (`''` is the value itself). Checked once for every route, so that no route
 * has to remember a decorator on each text field.
 */
export function refusedInput(value: unknown, path = ''): FieldError | null {
  if (typeof value === 'string') {
    return isStorable(value)
      ? null
      : { path, message: 'must be text without NUL characters or lone surrogates' };
  }
  if (value === null || typeof value !== 'object') return null;
  for (const [key, child] of Object.entries(value)) {
    if (!isStorable(key)) {
      return { path, message: 'has a name with a NUL character or a lone surrogate' };
    }
    const at = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (RESERVED_KEYS.has(key)) return { path: at, message: `${key} is a reserved name` };
    const found = refusedInput(child, at);
    if (found !== null) return found;
  }
  return null;
}

/** An optional text field of at most `maxLength` characters, storable, and documented so. */
export function OptionalText(
  options: ApiPropertyOptions & { maxLength: number },
): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional(options),
    IsOptional(),
    IsString(),
    MaxLength(options.maxLength),
    IsStorableText(),
  );
}

/** An optional time, taken as `IsZonedTime` takes it. */
export function OptionalTime(options: ApiPropertyOptions): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional(options), IsOptional(), IsZonedTime());
}

/** An optional nested object, validated as `type`. */
export function OptionalObject(type: new () => object): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type }),
    IsOptional(),
    IsObject(),
    ValidateNested(),
    Type(() => type),
  );
}
