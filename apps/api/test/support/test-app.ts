import { INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ReportCommandRunner } from '@tally/reports';
import jestOpenAPI from 'jest-openapi';
import request, { Response } from 'supertest';
import { TestDatabase, createTestDatabase, perFile } from '../../../../test/support/test-database';
import { CreateAppOptions, createApp } from '../../src/bootstrap';
import { TallyConfig, parseApiKeys } from '../../src/config/tally-config';
import { ImportOptions, importLines } from '../../src/import/import-file';

export const TOKENS = {
  admin: 'admin-token-0001',
  editor: 'editor-token-0001',
  reader: 'reader-token-0001',
} as const;

export interface TestApp {
  readonly app: INestApplication;
  readonly db: TestDatabase;
  http(): ReturnType<typeof request>;
  /** Requests that carry the role's bearer token. */
  as(role: Role): Pick<ReturnType<typeof request>, 'get' | 'post'>;
  close(): Promise<void>;
}

export type Role = keyof typeof TOKENS;

/** A configuration for a server under test: no seed, no generated key, no write limit. */
export function testConfig(databaseUrl: string, overrides: Partial<TallyConfig> = {}): TallyConfig {
  return {
    port: 0,
    databaseUrl,
    migrationDatabaseUrl: null,
    dataDir: '/nonexistent',
    apiKeys: [],
    generatedKey: false,
    seed: false,
    publicRead: false,
    writeLimit: 0,
    migrate: true,
    corsOrigins: [],
    trustProxy: false,
    logFormat: 'json',
    signingKey: null,
    digestIntervalSeconds: 3600,
    ...overrides,
  };
}

/**
 * The whole HTTP application on a database of the test file's own, or on `shared`, another
 * app's (a second instance; closing it leaves the database to its owner).
 */
export async function createTestApp(
  overrides: Partial<TallyConfig> = {},
  log: CreateAppOptions = { logLevel: 'silent' },
  shared?: TestDatabase,
): Promise<TestApp> {
  const db = shared ?? (await createTestDatabase());
  const config = testConfig(db.url, {
    apiKeys: parseApiKeys(
      `ana:admin:${TOKENS.admin},eve:editor:${TOKENS.editor},rae:reader:${TOKENS.reader}`,
    ),
    ...overrides,
  });
  const app = await createApp(config, db.url, log);
  await app.init();
  await loadServedDocument(app);
  const http = () => checkedAgainstDocument(request(app.getHttpServer()));
  return {
    app,
    db,
    http,
    as: (role) => ({
      get: (url: string) => http().get(url).set('Authorization', bearer(role)),
      post: (url: string) => http().post(url).set('Authorization', bearer(role)),
    }),
    close: once(async () => {
      await app.close();
      if (!shared) await db.drop();
    }),
  };
}

/** The test file's app, started before its tests and closed after them. */
export function useTestApp(overrides: Partial<TallyConfig> = {}): TestApp {
  return perFile(
    () => createTestApp(overrides),
    (t) => t.close(),
  );
}

/** `fn` run on the first call; later calls get the first call's promise. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= fn());
}

/** The OpenAPI document as the server serves it, loaded once per test file for the matchers. */
let servedDocument: Record<string, unknown> | null = null;

async function loadServedDocument(app: INestApplication): Promise<void> {
  if (servedDocument) return;
  const { body } = await request(app.getHttpServer()).get('/docs-json').expect(200);
  servedDocument = body;
  jestOpenAPI(structuredClone(body));
}

function decodable(url: string): boolean {
  try {
    decodeURIComponent(url);
    return true;
  } catch {
    return false;
  }
}

/** What the document does not describe: itself and its UI, and the web app's pages. */
const UNDOCUMENTED = /^\/(docs(-json)?(\/|$)|ui\/|$|\?)/;

/**
 * Every response a test receives through `http()` is checked against the served OpenAPI document
 * (status, content type, body schema) before the test sees it: the document cannot drift from
 * what the server answers.
 */
function checkedAgainstDocument(agent: ReturnType<typeof request>): ReturnType<typeof request> {
  return new Proxy(agent, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof key !== 'string' || !HTTP_METHODS.has(key) || typeof value !== 'function') {
        return value;
      }
      return (url: string, ...rest: unknown[]) => {
        const test = value.call(target, url, ...rest);
        // A path that is not valid percent-encoding names no operation the document could match.
        if (UNDOCUMENTED.test(url) || !decodable(url)) return test;
        const then = test.then.bind(test);
        test.then = (fulfilled?: (r: Response) => unknown, rejected?: (e: unknown) => unknown) =>
          then((response: Response) => {
            expect(response).toSatisfyApiSpec();
            return response;
          }).then(fulfilled, rejected);
        return test;
      };
    },
  });
}

// Not OPTIONS: a CORS preflight is the transport's, not an operation of the API.
const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Files a report with one headline toll of 1 as an editor; its id. */
export async function fileTarget(t: TestApp, title: string): Promise<string> {
  const filed = await t
    .as('editor')
    .post('/reports')
    .send({ title, figures: [{ measure: 'killed', value: 1 }] })
    .expect(201);
  return filed.body.id;
}

export const bearer = (role: Role) => `Bearer ${TOKENS[role]}`;

/** Until every async projection has applied every event (within 10 s). */
export async function caughtUp(t: TestApp): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { body } = await t.as('admin').get('/projections').expect(200);
    if (body.every((p: { lag: number }) => p.lag === 0)) return;
    if (Date.now() > deadline) throw new Error(`projections lag: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every stored event, oldest first, to assert what a request wrote (or did not). */
export async function storedEvents(db: TestDatabase) {
  const { rows } = await db.pool.query<{
    stream_id: string;
    stream_version: number;
    type: string;
    data: Record<string, unknown>;
    metadata: Record<string, unknown>;
  }>('SELECT stream_id, stream_version, type, data, metadata FROM events ORDER BY global_position');
  return rows;
}

/** A write's body in which `source` puts the toll at `value`, as it said at `reportedAt`. */
export function toll(source: object, value: number, reportedAt: string, reason: string) {
  return { reason, source, reportedAt, figures: [{ measure: 'killed', value }] };
}

/** Imports lines into the app as `tally import` does: through its command bus. */
export function importInto(t: TestApp, lines: Iterable<string>, options: ImportOptions) {
  return importLines(
    { bus: t.app.get(CommandBus), runner: t.app.get(ReportCommandRunner) },
    lines,
    options,
  );
}
