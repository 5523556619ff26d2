import { CommandBus } from '@nestjs/cqrs';
import {
  CommandReplayMismatchError,
  isRefusedValueError,
  isTransientDatabaseError,
} from '@tally/event-store';
import { ReportCommandRunner, ReportError } from '@tally/reports';
import {
  LineRefused,
  ReadLine,
  checkLine,
  importKeyOf,
  laneOf,
  readLine,
  reasonOf,
} from './import-lines';

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

/** What an import sends its lines through: the command bus, and the runner behind it. */
export interface Importer {
  readonly bus: CommandBus;
  /** Finds which of a batch of lines' idempotency keys were used. */
  readonly runner: Pick<ReportCommandRunner, 'usedKeys'>;
}

/** How many lines' keys are looked up at once. */
const LOOKUP_BATCH = 256;

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
 * (`strict`: the import stops there). Errors of the database are not a line's: they end the
 * import. Lines stream through: each report's lines go to one lane, in file order, and lanes run
 * side by side, with a bounded number of lines read ahead.
 */
export async function importLines(
  { bus, runner }: Importer,
  texts: Iterable<string> | AsyncIterable<string>,
  options: ImportOptions,
): Promise<ImportSummary> {
  const failures: { line: number; reason: string }[] = [];
  let lines = 0;
  let recorded = 0;
  let unchanged = 0;
  let done = 0;
  let stopped = false;
  const progress = () => options.onProgress?.(++done);
  const fail = (line: number, reason: string) => {
    failures.push({ line, reason });
    if (options.strict) stopped = true;
  };

  /** One line through: its body checked, then (unless a dry run) its command run. */
  const run = async ({ read, unseen }: Queued) => {
    try {
      const line = await checkLine(read);
      if (!options.dryRun) {
        const outcome = await line.send(bus, options.actor, unseen);
        if (outcome.recorded && !outcome.replayed) recorded++;
        else unchanged++;
      }
    } catch (error) {
      if (error instanceof LineRefused) fail(read.number, withoutNumber(error));
      else if (isTransientDatabaseError(error) || !isLineError(error)) throw error;
      else fail(read.number, reasonOf(error));
    }
    progress();
  };

  const lanes = Array.from(
    { length: options.strict ? 1 : Math.max(1, options.lanes ?? 8) },
    () => new Lane(run),
  );
  // Lines are read a batch at a time, so that one statement finds which of their keys an
  // earlier import used, instead of a lookup per line; a key given lately in this file is not
  // taken for unused (one given earlier has run, and the lookup finds it).
  const batch: ReadLine[] = [];
  const given = new RecentKeys(
    Math.max(RECENT_KEYS, 2 * (lanes.length * (LANE_DEPTH + 1) + LOOKUP_BATCH)),
  );
  const dispatch = async () => {
    const reads = batch.splice(0);
    const used =
      !options.dryRun && reads.length > 0
        ? await runner.usedKeys(
            options.actor,
            reads.map((read) => importKeyOf(read.id)),
          )
        : null;
    for (const read of reads) {
      if (stopped || lanes.some((lane) => lane.failure)) return;
      const key = importKeyOf(read.id);
      const unseen = used !== null && !used.has(key) && !given.has(key);
      given.add(key);
      const lane = lanes[laneOf(read.report, lanes.length)];
      await lane.push({ read, unseen });
      // Strict: each line has run before the next goes, so the first failure stops it there.
      if (options.strict) await lane.drain();
    }
  };
  let number = 0;
  for await (const text of texts) {
    number++;
    if (stopped || lanes.some((lane) => lane.failure)) break;
    if (text.trim() === '') continue;
    lines++;
    try {
      batch.push(readLine(text, number));
    } catch (error) {
      if (!(error instanceof LineRefused)) throw error;
      fail(number, withoutNumber(error));
      progress();
      continue;
    }
    if (batch.length >= LOOKUP_BATCH) await dispatch();
  }
  await dispatch();
  await Promise.all(lanes.map((lane) => lane.drain()));
  const broken = lanes.find((lane) => lane.failure);
  if (broken) throw broken.failure;
  failures.sort((a, b) => a.line - b.line);
  return { lines, recorded, unchanged, failed: failures.length, failures };
}

/**
 * How many keys given lately are kept: more than the lines that can be read and not yet run
 * (a batch, and every lane full), so that a key given earlier is either kept or committed.
 */
const RECENT_KEYS = 8_192;

/** The last `size` keys given, in a ring: a bounded memory of a file of any length. */
class RecentKeys {
  private readonly ring: string[] = [];
  private readonly kept = new Set<string>();
  private next = 0;

  constructor(private readonly size: number) {}

  has(key: string): boolean {
    return this.kept.has(key);
  }

  add(key: string): void {
    if (this.kept.has(key)) return;
    if (this.ring.length === this.size) this.kept.delete(this.ring[this.next]);
    this.ring[this.next] = key;
    this.next = (this.next + 1) % this.size;
    this.kept.add(key);
  }
}

/** How many lines a lane holds before the reader waits for it. */
const LANE_DEPTH = 64;

/** A line waiting in its lane, and whether its key was found unused when it was read. */
interface Queued {
  readonly read: ReadLine;
  readonly unseen: boolean;
}

/** One lane: its lines run one after another, in the order pushed. */
class Lane {
  private readonly queue: Queued[] = [];
  private running: Promise<void> | null = null;
  private room: (() => void) | null = null;
  failure: unknown = null;

  constructor(private readonly run: (line: Queued) => Promise<void>) {}

  /** Adds a line; waits while the lane is full. */
  async push(line: Queued): Promise<void> {
    this.queue.push(line);
    this.running ??= this.work();
    if (this.queue.length >= LANE_DEPTH) {
      await new Promise<void>((resolve) => (this.room = resolve));
    }
  }

  drain(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async work(): Promise<void> {
    try {
      for (let line = this.queue.shift(); line; line = this.queue.shift()) {
        if (this.queue.length < LANE_DEPTH / 2) this.wake();
        if (this.failure) break;
        await this.run(line);
      }
    } catch (error) {
      this.failure = error;
    } finally {
      this.running = null;
      this.wake();
    }
  }

  private wake(): void {
    const room = this.room;
    this.room = null;
    room?.();
  }
}

function withoutNumber(error: LineRefused): string {
  return error.message.replace(/^line \d+: /, '');
}

/** What a line's own content is to blame for: the domain's refusal, a bad value, a reused id. */
function isLineError(error: unknown): boolean {
  if (error instanceof ReportError) return true;
  if (isRefusedValueError(error)) return true; // the line's, as it is a request's over HTTP
  const status = (error as { getStatus?: () => number }).getStatus?.();
  if (status !== undefined) return status >= 400 && status < 500;
  return error instanceof CommandReplayMismatchError;
}
