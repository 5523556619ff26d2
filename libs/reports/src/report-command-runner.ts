import { Injectable } from '@nestjs/common';
import {
  CommandReplayMismatchError,
  RecordedCommand,
  StreamVersionConflictError,
  isLostRace,
} from '@tally/event-store';
import { createHash, randomInt } from 'node:crypto';
import {
  Change,
  REPORT_SCHEMA_VERSIONS,
  ReportCommand,
  ReportNotFound,
  ReportState,
  RevisionClaim,
  RevisionConflict,
  decide,
  diffReports,
  evolve,
  revisionClaims,
} from './domain';
import { knownStates } from './projections/report-states';
import { RevisionReader } from './revision-reader';
import { ReportStateCache } from './report-state-cache';
import { reportStreamId } from './report-stream';

/** Who asked, and how: what every command carries besides its own fields. */
export interface CommandContext {
  readonly actor: string;
  readonly correlationId?: string;
  /** Only this revision may be current when the command applies (`If-Match`). */
  readonly expectedRevision?: number;
  /**
   * An `Idempotency-Key` and a fingerprint of the request it came with; `unseen` when the caller
   * found just before that no command holds the key (a batch of them read at once): it is not
   * looked up again, and the append still refuses a repeat.
   */
  readonly idempotency?: {
    readonly key: string;
    readonly fingerprint: string;
    readonly unseen?: boolean;
  };
}

export interface RevisionOutcome {
  /** False when the command changed nothing and recorded nothing. */
  readonly recorded: boolean;
  readonly revision: number;
  readonly changes: readonly Change[];
  /** The claims it recorded. */
  readonly claims: readonly RevisionClaim[];
  /** The command was run before (its idempotency key): this is that first answer, again. */
  readonly replayed?: boolean;
  readonly report: ReportState;
}

const MAX_ATTEMPTS = 100;
const MAX_LOST_RACES = 3;

/**
 * The one way a command reaches the store: load, decide, append with the expected version.
 * Without an expected revision from the caller, a conflict means somebody else wrote first:
 * reload and decide again, so that concurrent writers never lose an update.
 */
@Injectable()
export class ReportCommandRunner {
  constructor(
    private readonly store: ReportStateCache,
    private readonly revisions: RevisionReader,
  ) {}

  async run(
    reportId: string,
    command: ReportCommand,
    context: CommandContext,
  ): Promise<RevisionOutcome> {
    const commandId = context.idempotency && commandIdOf(context.actor, context.idempotency.key);
    const unseen = context.idempotency?.unseen === true;
    if (commandId && !unseen) {
      const earlier = await this.store.events.findCommand(commandId);
      if (earlier)
        return { ...(await this.replay(reportId, commandId, context, earlier)), replayed: true };
    }
    try {
      return await this.decideAndAppend(reportId, command, context, commandId);
    } catch (error) {
      // A key found unused a moment before may have been used since (by another writer, or by
      // a line before this one): then this is its answer.
      const earlier = commandId && unseen && (await this.store.events.findCommand(commandId));
      if (earlier) {
        return { ...(await this.replay(reportId, commandId, context, earlier)), replayed: true };
      }
      throw error;
    }
  }

  /** Load, decide, append: again on a lost race or (without an expected revision) a conflict. */
  private async decideAndAppend(
    reportId: string,
    command: ReportCommand,
    context: CommandContext,
    commandId: string | undefined,
  ): Promise<RevisionOutcome> {
    const streamId = reportStreamId(reportId);
    let fresh = false;
    let lostRaces = 0;
    for (let attempt = 1; ; attempt++) {
      const { state, remembered } = await this.store.load(reportId, fresh);
      // A state this process remembers may be behind another's write: whatever it does not
      // lead to an append is decided again on a fresh one.
      fresh = remembered;
      if (state === null && command.type !== 'FileReport') throw new ReportNotFound(reportId);
      const current = state?.revision ?? 0;
      if (context.expectedRevision !== undefined && context.expectedRevision !== current) {
        if (remembered) continue;
        throw new RevisionConflict(reportId, context.expectedRevision, current);
      }
      let events: ReturnType<typeof decide>;
      try {
        events = decide(command, state);
      } catch (error) {
        if (remembered) continue;
        throw error;
      }
      if (events.length === 0) {
        if (remembered) continue;
        if (commandId) {
          // Kept, so that a repeat answers this even after another writer's change.
          const kept = await this.store.events.recordUnchangedCommand(
            commandId,
            context.idempotency?.fingerprint ?? null,
            streamId,
            current,
          );
          return this.replay(reportId, commandId, context, kept);
        }
        return { recorded: false, revision: current, changes: [], claims: [], report: state! };
      }
      // The projections of the append fold the event from this state; the answer reuses theirs.
      const decided = knownStates(new Map([[reportId, state]]));
      try {
        const result = await this.store.events.append(
          streamId,
          state ? current : 'no-stream',
          events.map((event) => ({
            ...event,
            schemaVersion: REPORT_SCHEMA_VERSIONS[event.type] ?? 1,
          })),
          {
            actor: context.actor,
            correlationId: context.correlationId,
            causationId: commandId ?? context.correlationId,
            commandId,
          },
          {
            commandId,
            fingerprint: context.idempotency?.fingerprint,
            known: decided,
          },
        );
        if (result.duplicate) {
          const first = await this.replayRevision(
            reportId,
            result.nextVersion,
            result.events.length > 0,
          );
          return { ...first, replayed: true };
        }
        const recorded = result.events[0];
        const folded = decided.folded(recorded.streamVersion, recorded.recordedAt);
        const stamp = {
          reportId,
          revision: recorded.streamVersion,
          recordedAt: recorded.recordedAt.toISOString(),
        };
        const after = folded?.after ?? evolve(state, events[0], stamp);
        this.store.remember(after);
        return {
          recorded: true,
          revision: after.revision,
          changes: folded?.changes ?? diffReports(state, after),
          claims: revisionClaims(events[0], stamp),
          report: after,
        };
      } catch (error) {
        if (isLostRace(error)) {
          // A deadlock or serialization failure: the statement wrote nothing; run it again a few
          // times, then let it be a 503 the client may retry.
          if (++lostRaces > MAX_LOST_RACES) throw error;
          fresh = true;
          await new Promise((resolve) => setTimeout(resolve, randomInt(1, 10 * lostRaces)));
          continue;
        }
        if (!(error instanceof StreamVersionConflictError)) throw error;
        fresh = true;
        if (context.expectedRevision !== undefined) {
          throw new RevisionConflict(reportId, context.expectedRevision, error.actual);
        }
        if (attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, randomInt(1, 5 + attempt)));
      }
    }
  }

  /** Which of these idempotency keys the actor's commands have used. */
  async usedKeys(actor: string, keys: readonly string[]): Promise<Set<string>> {
    const ids = new Map(keys.map((key) => [commandIdOf(actor, key), key]));
    const seen = await this.store.events.seenCommands([...ids.keys()]);
    return new Set([...seen].map((id) => ids.get(id)!));
  }

  /** The first response to a repeated idempotent command, read from what it kept. */
  private replay(
    reportId: string,
    commandId: string,
    context: CommandContext,
    earlier: RecordedCommand,
  ): Promise<RevisionOutcome> {
    if (
      earlier.streamId !== reportStreamId(reportId) ||
      earlier.fingerprint !== (context.idempotency?.fingerprint ?? null)
    ) {
      throw new CommandReplayMismatchError(commandId);
    }
    return this.replayRevision(
      reportId,
      earlier.lastVersion,
      earlier.firstVersion <= earlier.lastVersion,
    );
  }

  /** The outcome of a command kept at `revision`: what it recorded, or that it changed nothing. */
  private async replayRevision(
    reportId: string,
    revision: number,
    recorded: boolean,
  ): Promise<RevisionOutcome> {
    const stored = await this.revisions.revision(reportId, revision);
    return {
      recorded,
      revision,
      changes: recorded ? stored.changes : [],
      claims: recorded ? stored.claims : [],
      report: stored.state,
    };
  }
}

/** Idempotency keys belong to the API key that sent them. */
function commandIdOf(actor: string, key: string): string {
  return createHash('sha256').update(`${actor}\n${key}`).digest('hex');
}
