import { Controller, Get, HttpCode, Post, applyDecorators } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiResponseOptions,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors } from './api-errors';
import { RequiresRole } from './auth';

/** A controller of the API: its tag in the document, bearer auth, and its path. */
export const ApiController = (tag: string, path: string) =>
  applyDecorators(ApiTags(tag), ApiBearerAuth(), Controller(path));

interface RouteDoc {
  readonly summary: string;
  /** The problem details it may answer with (503 always). */
  readonly errors: readonly number[];
}

/** A read: `GET path`, what its 200 holds, the problems it may answer with. */
export const ReadRoute = (
  path: string | undefined,
  doc: RouteDoc & { readonly ok: ApiResponseOptions },
) =>
  applyDecorators(
    Get(path),
    ApiOperation({ summary: doc.summary }),
    ApiOkResponse(doc.ok),
    ApiErrors(...doc.errors),
  );

/**
 * A write by an editor: `POST path`, what its 201 holds (and its 200 when nothing changed), the
 * headers it takes, the problems it may answer with.
 */
export const WriteRoute = (
  path: string | undefined,
  doc: RouteDoc & {
    readonly created: ApiResponseOptions;
    readonly unchanged?: ApiResponseOptions;
    /** `If-Match`, besides `Idempotency-Key`: a write to an existing report. */
    readonly ifMatch?: boolean;
  },
) =>
  applyDecorators(
    Post(path),
    HttpCode(201),
    ApiOperation({ summary: doc.summary }),
    RequiresRole('editor'),
    ...(doc.ifMatch
      ? [
          ApiHeader({
            name: 'If-Match',
            required: false,
            description: 'The expected revision, "n".',
          }),
        ]
      : []),
    ApiHeader({ name: 'Idempotency-Key', required: false }),
    ApiCreatedResponse(doc.created),
    ...(doc.unchanged ? [ApiOkResponse(doc.unchanged)] : []),
    ApiErrors(...doc.errors),
  );
