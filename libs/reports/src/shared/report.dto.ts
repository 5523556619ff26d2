import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { FIGURE_LIMITS } from '../domain';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
  ValidationOptions,
  buildMessage,
} from 'class-validator';

/** ISO 8601 with a zone: `2026-11-20T21:05:00Z` or `…+03:00`. */
const ZONED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function IsZonedTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isZonedTime',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && ZONED_TIME.test(value) && !Number.isNaN(Date.parse(value)),
        defaultMessage: buildMessage(
          (each) => `${each}must be an ISO 8601 time with a zone, e.g. 2026-11-20T21:05:00Z`,
          options,
        ),
      },
    },
    options,
  );
}

/** Text without NUL characters or lone surrogates, which PostgreSQL cannot store. */
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

function isStorable(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed();
}

/** Dimensions: at most 3 pairs of storable strings. */
export function IsDimensions(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDimensions',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length <= 3 &&
          Object.entries(value).every(
            ([name, text]) => typeof text === 'string' && isStorable(name) && isStorable(text),
          ),
        defaultMessage: buildMessage(
          (each) => `${each}must be an object of at most 3 string values`,
          options,
        ),
      },
    },
    options,
  );
}

export function toUtc(time: string): string;
export function toUtc(time: string | null | undefined): string | null | undefined;
export function toUtc(time: string | null | undefined): string | null | undefined {
  return typeof time === 'string' ? new Date(time).toISOString() : time;
}

export class SourceDto {
  @ApiProperty({ maxLength: 2048, example: 'https://www.syriahr.com/en/' })
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  url!: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'SOHR' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @IsStorableText()
  publisher?: string;
}

export class FigureDto {
  @ApiProperty({ maxLength: 64, pattern: '^[a-z][a-z0-9_]*$', example: 'killed' })
  @IsString()
  @MaxLength(64)
  @Matches(/^[a-z][a-z0-9_]*$/, { message: 'measure must match [a-z][a-z0-9_]*' })
  measure!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 100 },
    maxProperties: 3,
    example: { location: 'Al-Mayadeen' },
  })
  @IsOptional()
  @IsObject()
  @IsDimensions()
  dimensions?: Record<string, string>;

  @ApiPropertyOptional({ minimum: 0, description: 'An exact count; or give min and max.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  value?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  min?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  max?: number;
}

/** What every writing command may say about itself. */
export class RevisionFactsDto {
  @ApiPropertyOptional({ maxLength: 2000, example: 'bodies retrieved' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @IsStorableText()
  reason?: string;

  @ApiPropertyOptional({ description: 'When the source published it; defaults to recordedAt.' })
  @IsOptional()
  @IsZonedTime()
  reportedAt?: string;

  @ApiPropertyOptional({ type: SourceDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SourceDto)
  source?: SourceDto;
}

/** The figures a filing or a revision sets: at most a report's worth, each checked. */
export function FiguresField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: [FigureDto], maxItems: FIGURE_LIMITS.figuresPerReport }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(FIGURE_LIMITS.figuresPerReport),
    ValidateNested({ each: true }),
    Type(() => FigureDto),
  );
}

export const OPEN_STATUSES = ['developing', 'confirmed'] as const;
