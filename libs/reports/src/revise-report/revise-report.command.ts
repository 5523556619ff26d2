import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ReportCommand } from '../domain';
import { CommandContext, ReportCommandRunner, RevisionOutcome } from '../report-command-runner';

export class ReviseReportCommand extends Command<RevisionOutcome> {
  constructor(
    readonly reportId: string,
    readonly command: Extract<ReportCommand, { type: 'ReviseReport' }>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ReviseReportCommand)
export class ReviseReportHandler implements ICommandHandler<ReviseReportCommand> {
  constructor(private readonly runner: ReportCommandRunner) {}

  execute({ reportId, command, context }: ReviseReportCommand): Promise<RevisionOutcome> {
    return this.runner.run(reportId, command, context);
  }
}
