import { INestApplication } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ProblemResponse, TallyRequest, ValidationFailed } from '@tally/http';
import compression from 'compression';
import { urlencoded } from 'express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import { strictValidationPipe } from './http/validation.pipe';
import { AppModule } from './app.module';
import { TallyConfig } from './config/tally-config';

export const BODY_LIMIT = '1mb';

export interface CreateAppOptions {
  /** `silent` for tests; structured JSON lines otherwise. */
  readonly logLevel?: string;
  /** Where the JSON log lines go; standard output by default. */
  readonly logStream?: DestinationStream;
}

/** Builds the whole HTTP application; `main.ts` and the e2e specs share it. */
export async function createApp(
  config: TallyConfig,
  databaseUrl: string,
  options: CreateAppOptions = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, databaseUrl, {
      level: options.logLevel ?? 'info',
      stream: options.logStream,
    }),
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: BODY_LIMIT });
  // The web app's forms; the JSON API takes JSON only.
  app.use('/ui', urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 100 }));
  // Pages go compressed: a report's timelines repeat themselves.
  app.use(
    compression({
      filter: (request: Request, response) =>
        isPage(request) && compression.filter(request, response),
    }),
  );
  app.use(refuseDeepBodies);
  app.disable('x-powered-by');
  // The client address (write limits, logs) from X-Forwarded-For, only behind trusted proxies.
  app.set('trust proxy', config.trustProxy);
  app.set('etag', false);
  app.use(helmet());
  if (config.corsOrigins.length > 0) {
    app.enableCors({ origin: [...config.corsOrigins], exposedHeaders: ['ETag', 'Location'] });
  }
  app.use(assignRequestId);
  app.useGlobalPipes(strictValidationPipe());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tally')
      .setDescription(
        'Event-sourced revision tracker for incident reports. Every change is a revision; ' +
          'errors are RFC 9457 problem details (application/problem+json).',
      )
      .setVersion('1')
      .setLicense('MIT', 'https://opensource.org/licenses/MIT')
      .addServer('/', 'this server')
      .addBearerAuth()
      .build(),
    { extraModels: [ProblemResponse] },
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}

/** The web app's paths: `/` and everything under `/ui/`. */
function isPage(request: Request): boolean {
  return request.path === '/' || request.path.startsWith('/ui/');
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Every request gets an id (the caller's `X-Request-Id` when sane): the events' correlation id. */
function assignRequestId(request: TallyRequest, response: Response, next: NextFunction): void {
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  request.requestId = id;
  response.setHeader('X-Request-Id', id);
  next();
}

const MAX_BODY_DEPTH = 32;

/** No request of the API nests deeper than a few levels; a deeper body would only cost stack. */
function refuseDeepBodies(request: TallyRequest, _response: Response, next: NextFunction): void {
  const pending: [unknown, number][] = [[request.body, 1]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_BODY_DEPTH) {
      next(ValidationFailed.at('body', `the body nests deeper than ${MAX_BODY_DEPTH} levels`));
      return;
    }
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  next();
}
