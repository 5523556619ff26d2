import { Injectable } from '@nestjs/common';
import { Command } from '@nestjs/cqrs';
import { ReportCommand } from '../domain';
import { CommandContext, ReportCommandRunner, RevisionOutcome } from '../report-command-runner';

/**
 * What every use case that writes a report sends over the command bus: the report, the domain
 * command, and who asked how. Each use case names its own subclass, so the bus routes it to its
 * own handler.
 */
export abstract class ReportCommandMessage<
  Type extends ReportCommand['type'],
> extends Command<RevisionOutcome> {
  constructor(
    readonly reportId: string,
    readonly command: Extract<ReportCommand, { type: Type }>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

interface ReportCommandFields extends Command<RevisionOutcome> {
  readonly reportId: string;
  readonly command: ReportCommand;
  readonly context: CommandContext;
}

/**
 * Every report command is handled alike: loaded, decided and appended by the runner. Injectable,
 * so that the handlers that extend it inherit what its constructor takes.
 */
@Injectable()
export abstract class RunsReportCommand<Message extends ReportCommandFields> {
  constructor(private readonly runner: ReportCommandRunner) {}

  execute({ reportId, command, context }: Message): Promise<RevisionOutcome> {
    return this.runner.run(reportId, command, context);
  }
}
