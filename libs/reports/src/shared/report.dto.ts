import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsStorableText, OptionalObject, OptionalText, OptionalTime } from '@tally/http';
import { FIGURE_LIMITS, MEASURE_PATTERN, MEASURE_RULE } from '../domain';
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

/** Dimensions: an object of at most `FIGURE_LIMITS.dimensions` strings (the domain checks the names and values). */
export function IsDimensions(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDimensions',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length <= FIGURE_LIMITS.dimensions &&
          Object.values(value).every((text) => typeof text === 'string'),
        defaultMessage: buildMessage(
          (each) => `${each}must be an object of at most ${FIGURE_LIMITS.dimensions} string values`,
          options,
        ),
      },
    },
    options,
  );
}

/**
 * Dimension names are data, so they must not pass through class-transformer, which drops or
 * chokes on keys that name members of every object (`constructor`, `prototype`, `toString`) and
 * so turned `killed{constructor=Syrian}` into the headline `killed`. `@Type(() => Boolean)` keeps it
 * from walking into the object (ToBoolean runs no code of the object's, as String would), and the transform puts back the object
 * JSON.parse made, every key an own property, for the validators and the domain to check.
 */
const RawObject = () =>
  applyDecorators(
    Type(() => Boolean),
    Transform(({ obj, key }) => (obj as Record<string, unknown>)[key]),
  );

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
  @ApiProperty({
    maxLength: FIGURE_LIMITS.measureLength,
    pattern: MEASURE_PATTERN.source,
    example: 'killed',
  })
  @IsString()
  @MaxLength(FIGURE_LIMITS.measureLength)
  @Matches(MEASURE_PATTERN, { message: `measure ${MEASURE_RULE}` })
  measure!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: FIGURE_LIMITS.dimensionLength },
    maxProperties: FIGURE_LIMITS.dimensions,
    example: { location: 'Al-Mayadeen' },
  })
  @IsOptional()
  @RawObject()
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

/** What a command records of why, when the source said it, and which source. */
export function revisionFacts(body: RevisionFactsDto) {
  return {
    reason: body.reason,
    reportedAt: toUtc(body.reportedAt),
    source: body.source && { ...body.source },
  };
}

/** What every writing command may say about itself. */
export class RevisionFactsDto {
  @OptionalText({ maxLength: 2000, example: 'bodies retrieved' })
  reason?: string;

  @OptionalTime({ description: 'When the source published it; defaults to recordedAt.' })
  reportedAt?: string;

  @OptionalObject(SourceDto)
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
