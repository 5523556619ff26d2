import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ReportCommand } from '../domain';
import { CommandContext, ReportCommandRunner, RevisionOutcome } from '../report-command-runner';

export class RestoreReportCommand extends Command<RevisionOutcome> {
  constructor(
    readonly reportId: string,
    readonly command: Extract<ReportCommand, { type: 'RestoreReport' }>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RestoreReportCommand)
export class RestoreReportHandler implements ICommandHandler<RestoreReportCommand> {
  constructor(private readonly runner: ReportCommandRunner) {}

  execute({ reportId, command, context }: RestoreReportCommand): Promise<RevisionOutcome> {
    return this.runner.run(reportId, command, context);
  }
}
