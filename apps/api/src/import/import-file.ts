import { CommandBus } from '@nestjs/cqrs';
import { CommandReplayMismatchError, isTransientDatabaseError } from '@tally/event-store';
import { ReportError } from '@tally/reports';
import { ImportLine, LineRefused, laneOf, parseLine, reasonOf } from './import-lines';

export interface ImportOptions {
  /** The actor every event of the import records. */
  readonly actor: string;
  /** Stop at the first line that fails. */
  readonly strict?: boolean;
  /** Check every line; record nothing. */
  readonly dryRun?: boolean;
  /** Reports imported side by side (each report's lines stay in file order). */
  readonly lanes?: number;
  readonly onProgress?: (done: number) => void;
}

export interface ImportSummary {
  readonly lines: number;
  /** Lines that recorded a revision now. */
  readonly recorded: number;
  /** Lines that changed nothing, or that an earlier import recorded already. */
  readonly unchanged: number;
  readonly failed: number;
  /** Each failure with its line number, in file order. */
  readonly failures: readonly { readonly line: number; readonly reason: string }[];
}

/**
 * Imports JSON Lines through the command bus: every line is one command with the idempotency key
 * of its `line` id, so a line is recorded once however often the file is imported (a run killed
 * half-way and started again records every line exactly once), and each line is one event or
 * none, never half. A line that fails is reported with its number and reason and the rest go on
 * (`strict`: the import stops there). Errors of the database are not a line's: they end the import.
 */
export async function importLines(
  bus: CommandBus,
  texts: readonly string[],
  options: ImportOptions,
): Promise<ImportSummary> {
  const failures: { line: number; reason: string }[] = [];
  let recorded = 0;
  let unchanged = 0;
  let done = 0;
  let stopped = false;
  const progress = () => options.onProgress?.(++done);
  const fail = (line: number, reason: string) => {
    failures.push({ line, reason });
    if (options.strict) stopped = true;
  };

  const parsed: ImportLine[] = [];
  let lines = 0;
  for (let i = 0; i < texts.length && !stopped; i++) {
    if (texts[i].trim() === '') continue;
    lines++;
    try {
      parsed.push(await parseLine(texts[i], i + 1));
      if (options.dryRun) progress();
    } catch (error) {
      if (!(error instanceof LineRefused)) throw error;
      fail(i + 1, error.message.replace(/^line \d+: /, ''));
      progress();
    }
  }
  if (options.dryRun || stopped) {
    return summary(lines, recorded, unchanged, failures);
  }

  const laneCount = options.strict ? 1 : Math.max(1, options.lanes ?? 8);
  const lanes: ImportLine[][] = Array.from({ length: laneCount }, () => []);
  for (const line of parsed) lanes[laneOf(line.report, laneCount)].push(line);
  await Promise.all(
    lanes.map(async (lane) => {
      for (const line of lane) {
        if (stopped) return;
        try {
          const outcome = await line.send(bus, options.actor);
          if (outcome.recorded && !outcome.replayed) recorded++;
          else unchanged++;
        } catch (error) {
          if (isTransientDatabaseError(error) || !isLineError(error)) throw error;
          fail(line.number, reasonOf(error));
        }
        progress();
      }
    }),
  );
  return summary(lines, recorded, unchanged, failures);
}

/** What a line's own content is to blame for: the domain's refusal, a bad value, a reused id. */
function isLineError(error: unknown): boolean {
  if (error instanceof ReportError) return true;
  // A value PostgreSQL refuses (class 22, or a program limit): the line's, as over HTTP.
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('22') || code === '54000')) return true;
  const status = (error as { getStatus?: () => number }).getStatus?.();
  if (status !== undefined) return status >= 400 && status < 500;
  return error instanceof CommandReplayMismatchError;
}

function summary(
  lines: number,
  recorded: number,
  unchanged: number,
  failures: { line: number; reason: string }[],
): ImportSummary {
  failures.sort((a, b) => a.line - b.line);
  return { lines, recorded, unchanged, failed: failures.length, failures };
}
