import 'reflect-metadata';
import { join } from 'node:path';
import pino from 'pino';
import pinoPretty from 'pino-pretty';
import { ReportCommandRunner, seedExample } from '@tally/reports';
import { DigestsService } from './digests/digests.service';
import { createApp } from './bootstrap';
import { ConfigError, TallyConfig, loadConfig, weakTokenWarnings } from './config/tally-config';
import { PG_POOL } from './database/database.module';
import { RunningPostgres, startEmbeddedPostgres } from './database/embedded-postgres';

async function main(): Promise<void> {
  let config: TallyConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`tally: bad configuration: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }

  for (const warning of weakTokenWarnings(config)) console.warn(`tally: warning: ${warning}`);

  let embedded: RunningPostgres | null = null;
  let databaseUrl = config.databaseUrl;
  if (databaseUrl === null) {
    console.log(`tally: starting the embedded PostgreSQL in ${join(config.dataDir, 'pg')}`);
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir });
    databaseUrl = embedded.url;
  }

  // Request logs go out asynchronously: under load, the lines logged while one write is in
  // flight leave together in the next, instead of a write each. In a terminal, one readable line
  // each instead of JSON.
  const logStream = pino.destination({ dest: 1, sync: false });
  const output =
    config.logFormat === 'pretty'
      ? pinoPretty({
          destination: logStream,
          colorize: Boolean(process.stdout.isTTY),
          ignore: 'pid,hostname,req,res,context,responseTime,actor',
          messageFormat:
            '{if context}[{context}] {end}{msg}' +
            '{if req.method} {req.method} {req.url} {res.statusCode} {responseTime} ms{end}' +
            '{if actor} by {actor}{end}',
        })
      : logStream;
  const app = await createApp(config, databaseUrl, { logStream: output }).catch(
    async (error: unknown) => {
      await embedded?.stop();
      throw error;
    },
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`tally: ${signal} received, draining requests`);
    await app.close();
    logStream.flushSync();
    await embedded?.stop();
    console.log('tally: stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const example =
    config.databaseUrl === null && config.seed
      ? await seedExample(app.get(PG_POOL), app.get(ReportCommandRunner))
      : null;

  await app.listen(config.port).catch(async (error: unknown) => {
    await app.close();
    await embedded?.stop();
    throw error;
  });
  const base = `http://localhost:${config.port}`;
  console.log(`tally: listening on ${base} (API docs: ${base}/docs)`);
  if (config.generatedKey) {
    console.log(`tally: generated admin key for this run: ${config.apiKeys[0].token}`);
  }
  console.log(`tally: the web app: sign in at ${base}/ui/sign-in with an API key`);
  const { keyId, publicKeyPem } = app.get(DigestsService).signingKey();
  console.log(
    `tally: digests are signed with key ${keyId} (also at ${base}/digests/key):\n${publicKeyPem.trim()}`,
  );
  if (example) {
    const token = config.generatedKey ? config.apiKeys[0].token : '$TALLY_TOKEN';
    const auth = `-H "Authorization: Bearer ${token}"`;
    console.log(
      'tally: filed the bundled Deir Ezzor example (18 killed, then 23; a second source says 21). Try:',
    );
    for (const path of ['', '/revisions', '/figures/killed/history', '/figures/killed/sources']) {
      console.log(`  curl ${auth} ${base}/reports/${example}${path}`);
    }
    console.log(`  or open ${base}/ui/reports/${example} in a browser`);
  }
}

main().catch((error: unknown) => {
  console.error(`tally: failed to start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
