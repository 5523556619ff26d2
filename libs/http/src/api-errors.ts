import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

export class FieldErrorResponse {
  @ApiProperty({ example: 'figures[0].value' }) path!: string;
  @ApiProperty({ example: 'value must not be less than 0' }) message!: string;
}

/** RFC 9457 problem details, served as application/problem+json. */
export class ProblemResponse {
  @ApiProperty({ example: 'urn:tally:problem:validation_failed' }) type!: string;
  @ApiProperty({ example: 'Bad Request' }) title!: string;
  @ApiProperty({ example: 400 }) status!: number;
  @ApiProperty({ example: 'the request is not valid' }) detail!: string;

  @ApiPropertyOptional({ type: [FieldErrorResponse], description: 'validation failures' })
  errors?: FieldErrorResponse[];

  @ApiPropertyOptional({ description: 'on 409: the revision that is current', example: 2 })
  currentRevision?: number;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed JSON, an unknown field, or a value out of bounds (`errors` lists each).',
  401: 'No bearer token, or an unknown one.',
  403: 'The token’s role is too low.',
  404: 'No such report or revision.',
  409: 'The expected revision is not the current one (`currentRevision`), or the report is retracted.',
  413: 'The body is over 1 MiB.',
  415: 'The body is not application/json.',
  422: 'The Idempotency-Key was used before with a different body.',
  429: 'Too many writes; see Retry-After.',
  503: 'The database does not answer, or a write kept losing races inside it; try again.',
};

/** Documents the problem details a route may answer with; every route may answer 503. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...[...statuses, 503].map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status],
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemResponse' } },
        },
      }),
    ),
  );
}
