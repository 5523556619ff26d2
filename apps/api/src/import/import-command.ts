import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { ReportCommandRunner } from '@tally/reports';
import { SingleBar } from 'cli-progress';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ImportSummary, importLines } from './import-file';
import { ImportModule } from './import.module';

export const IMPORT_USAGE = 'tally import <file.jsonl> --actor <name> [--strict] [--dry-run]';

export interface ImportArguments {
  readonly file: string;
  readonly actor: string;
  readonly strict: boolean;
  readonly dryRun: boolean;
}

/** `import <file> --actor <name> [--strict] [--dry-run]`, or null when the words are off. */
export function importArguments(words: readonly string[]): ImportArguments | null {
  let file: string | undefined;
  let actor: string | undefined;
  let strict = false;
  let dryRun = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === '--actor') actor = words[++i];
    else if (word === '--strict') strict = true;
    else if (word === '--dry-run') dryRun = true;
    else if (!word.startsWith('--') && file === undefined) file = word;
    else return null;
  }
  if (!file || !actor || !/^[A-Za-z0-9_.@-]{1,100}$/.test(actor)) return null;
  return { file, actor, strict, dryRun };
}

/**
 * Runs an import on the database at `url`: a progress bar on a terminal, then one line of
 * summary and one line per failed line. Exit code 0 when every line went in (or would), 1 else.
 */
export async function runImport(
  args: ImportArguments,
  url: string,
  migrationUrl: string | null,
): Promise<number> {
  const total = await countLines(args.file);
  const app = await NestFactory.createApplicationContext(ImportModule.forRoot(url, migrationUrl), {
    logger: false,
  });
  Logger.overrideLogger(false);
  const bar = process.stderr.isTTY
    ? new SingleBar({
        stream: process.stderr,
        format: 'importing [{bar}] {value}/{total} lines, {eta_formatted} left',
      })
    : null;
  const started = Date.now();
  try {
    bar?.start(total, 0);
    const lines = createInterface({ input: createReadStream(args.file), crlfDelay: Infinity });
    const importer = { bus: app.get(CommandBus), runner: app.get(ReportCommandRunner) };
    const summary = await importLines(importer, lines, {
      actor: args.actor,
      strict: args.strict,
      dryRun: args.dryRun,
      onProgress: (done) => bar?.update(done),
    });
    bar?.stop();
    console.log(summaryLine(args, summary, (Date.now() - started) / 1000));
    for (const failure of summary.failures) {
      console.error(`${args.file}:${failure.line}: ${failure.reason}`);
    }
    return summary.failed === 0 ? 0 : 1;
  } finally {
    bar?.stop();
    await app.close();
  }
}

/** How many lines a file holds, read in chunks: for the progress bar's total. */
async function countLines(file: string): Promise<number> {
  let count = 0;
  let last = 10;
  for await (const chunk of createReadStream(file)) {
    const bytes = chunk as Buffer;
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) count++;
    last = bytes[bytes.length - 1];
  }
  return last === 10 ? count : count + 1;
}

function summaryLine(args: ImportArguments, s: ImportSummary, seconds: number): string {
  const rate = Math.round(s.lines / Math.max(seconds, 0.001));
  if (args.dryRun) {
    return `checked ${args.file}: ${s.lines - s.failed} lines would go in, ${s.failed} failed (nothing recorded)`;
  }
  return (
    `imported ${args.file}: ${s.recorded} recorded, ${s.unchanged} unchanged, ${s.failed} failed ` +
    `(${s.lines} lines in ${seconds.toFixed(1)} s, ${rate} lines/s)`
  );
}
