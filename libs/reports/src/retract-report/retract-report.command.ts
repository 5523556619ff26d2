import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ReportCommand } from '../domain';
import { CommandContext, ReportCommandRunner, RevisionOutcome } from '../report-command-runner';

export class RetractReportCommand extends Command<RevisionOutcome> {
  constructor(
    readonly reportId: string,
    readonly command: Extract<ReportCommand, { type: 'RetractReport' }>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RetractReportCommand)
export class RetractReportHandler implements ICommandHandler<RetractReportCommand> {
  constructor(private readonly runner: ReportCommandRunner) {}

  execute({ reportId, command, context }: RetractReportCommand): Promise<RevisionOutcome> {
    return this.runner.run(reportId, command, context);
  }
}
