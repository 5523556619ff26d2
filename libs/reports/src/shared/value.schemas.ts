import type { ApiPropertyOptions } from '@nestjs/swagger';

/**
 * An amount as the API writes it (see the contract): the number for an exact value, `{ min, max }`
 * for a range, null where there was none. OpenAPI 3.0 has no null type: the integer branch is the
 * nullable one, so that null matches exactly one branch.
 */
export const AMOUNT_SCHEMA = {
  oneOf: [
    { type: 'integer', minimum: 0, nullable: true },
    {
      type: 'object',
      properties: { min: { type: 'integer', minimum: 0 }, max: { type: 'integer', minimum: 0 } },
      required: ['min', 'max'],
    },
  ],
};

/** An amount that is always there: what a claim said. */
export const CLAIMED_AMOUNT_SCHEMA = {
  oneOf: [{ type: 'integer', minimum: 0 }, AMOUNT_SCHEMA.oneOf[1]],
};

/** A range two or more amounts span. */
export const RANGE_SCHEMA: ApiPropertyOptions = {
  type: 'object',
  properties: { min: { type: 'integer', minimum: 0 }, max: { type: 'integer', minimum: 0 } },
  required: ['min', 'max'],
};

/**
 * A changed field's value, before or after: a text (title, summary, location, a time, a status),
 * an amount (a figure), a source (`{ url, publisher? }`), or null where there was none.
 */
export const CHANGE_VALUE_SCHEMA = {
  oneOf: [
    { type: 'string', nullable: true },
    { type: 'integer', minimum: 0 },
    {
      type: 'object',
      description: 'a range `{ min, max }`, or a source `{ url, publisher? }`',
      additionalProperties: true,
    },
  ],
};

/** A revision's source, or null: inline, since OpenAPI 3.0 cannot make a reference nullable. */
export const NULLABLE_SOURCE_SCHEMA: ApiPropertyOptions = {
  type: 'object',
  nullable: true,
  properties: {
    url: { type: 'string', example: 'https://www.syriahr.com/en/' },
    publisher: { type: 'string', example: 'SOHR' },
  },
  required: ['url'],
};
