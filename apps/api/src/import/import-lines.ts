import { CommandBus } from '@nestjs/cqrs';
import { RevisionOutcome, expectedRevisionOf, idempotencyOf, uuidFrom } from '@tally/reports';
import { createHash } from 'node:crypto';
import {
  WRITE_COMMANDS,
  WriteCommand,
  checkedBody,
  messageOf,
  reasonOf,
} from '../http/write-commands';

export { reasonOf };

/** What a line of an import may ask for: the HTTP write routes, one each. */
export const IMPORT_COMMANDS = WRITE_COMMANDS;
export type ImportCommand = WriteCommand;

/** A line's own fields; everything else on it is the body its route takes. */
const LINE_FIELDS = new Set(['line', 'report', 'command']);
const KEY = /^[\x21-\x7e]{1,200}$/;
/** A line id becomes the idempotency key `import:<id>`, at most 200 characters. */
const LINE_ID = /^[\x21-\x7e]{1,193}$/;

/** One line, checked: its id, the report it is about, and the message for the command bus. */
export interface ImportLine {
  readonly number: number;
  readonly id: string;
  readonly report: string;
  readonly command: ImportCommand;
  /** Sends its command; `unseen` when its idempotency key was just found unused. */
  readonly send: (bus: CommandBus, actor: string, unseen?: boolean) => Promise<RevisionOutcome>;
}

/** The idempotency key of a line id. */
export function importKeyOf(line: string): string {
  return `import:${line}`;
}

/** A line that cannot be imported, and why. */
export class LineRefused extends Error {
  constructor(
    readonly number: number,
    reason: string,
  ) {
    super(`line ${number}: ${reason}`);
  }
}

/** The report a key of the import names: the same key, the same report, in every import. */
export function importedReportId(report: string): string {
  return uuidFrom(`tally-import\n${report}`);
}

/** A line read: its JSON, the report it names and its command; its body not checked yet. */
export interface ReadLine {
  readonly number: number;
  readonly id: string;
  readonly report: string;
  readonly command: ImportCommand;
  readonly fields: Record<string, unknown>;
}

/** Reads one line of JSON Lines: JSON, an object, with its `line`, `report` and `command`. */
export function readLine(text: string, number: number): ReadLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new LineRefused(number, `not JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new LineRefused(number, 'not a JSON object');
  }
  const fields = value as Record<string, unknown>;
  const { line, report, command } = fields;
  if (typeof line !== 'string' || !LINE_ID.test(line)) {
    throw new LineRefused(number, '`line` must be 1 to 193 visible ASCII characters');
  }
  if (typeof report !== 'string' || !KEY.test(report)) {
    throw new LineRefused(number, '`report` must be 1 to 200 visible ASCII characters');
  }
  if (!IMPORT_COMMANDS.includes(command as ImportCommand)) {
    throw new LineRefused(number, `\`command\` must be one of ${IMPORT_COMMANDS.join(', ')}`);
  }
  return { number, id: line, report, command: command as ImportCommand, fields };
}

/** Reads one line and checks its body: both steps of `readLine` and `checkLine`. */
export async function parseLine(text: string, number: number): Promise<ImportLine> {
  return checkLine(readLine(text, number));
}

/**
 * Checks a line's body as the HTTP routes check one (the same DTOs, the same strict pipe), and
 * builds its command. Nothing is recorded here.
 */
export async function checkLine(read: ReadLine): Promise<ImportLine> {
  const { number, id: line, report, command, fields } = read;
  const kind = command as ImportCommand;
  const raw = Object.fromEntries(Object.entries(fields).filter(([k]) => !LINE_FIELDS.has(k)));
  if (kind === 'update' || kind === 'correction') {
    if (raw.kind !== undefined && raw.kind !== kind) {
      throw new LineRefused(number, `kind: the command says ${kind}`);
    }
    raw.kind = kind;
  }
  let body: object;
  try {
    body = await checkedBody(kind, raw);
  } catch (error) {
    throw new LineRefused(number, reasonOf(error));
  }
  const reportId = importedReportId(report);
  return {
    number,
    id: line,
    report,
    command: kind,
    send: (bus, actor, unseen) => {
      const idempotency = {
        ...idempotencyOf(importKeyOf(line), `import ${kind} ${report}`, raw)!,
        ...(unseen && { unseen }),
      };
      const context = {
        actor,
        correlationId: `import:${line}`,
        expectedRevision: expectedRevisionOf(
          undefined,
          (body as { expectedRevision?: number }).expectedRevision,
        ),
        idempotency,
      };
      return bus.execute(messageOf(kind, reportId, body, context));
    },
  };
}

/** Lines of one report go to one lane, in file order; lanes run side by side. */
export function laneOf(report: string, lanes: number): number {
  return createHash('sha256').update(report).digest().readUInt32BE(0) % lanes;
}
