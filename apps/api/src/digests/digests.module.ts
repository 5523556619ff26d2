import { Module } from '@nestjs/common';
import { DigestsController, ProofController } from './digests.controller';
import { DigestsService } from './digests.service';

/** Published digests of the log, and proofs against them. */
@Module({
  controllers: [DigestsController, ProofController],
  providers: [DigestsService],
  exports: [DigestsService],
})
export class DigestsModule {}
