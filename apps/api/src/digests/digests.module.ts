import { DynamicModule, Module } from '@nestjs/common';
import type { TallyConfig } from '../config/tally-config';
import { TALLY_CONFIG } from '../http/auth.guard';
import { DigestsController, ProofController } from './digests.controller';
import { DigestsService } from './digests.service';

/** Published digests of the log, and proofs against them. */
@Module({})
export class DigestsModule {
  static register(config: TallyConfig): DynamicModule {
    return {
      module: DigestsModule,
      controllers: [DigestsController, ProofController],
      providers: [{ provide: TALLY_CONFIG, useValue: config }, DigestsService],
      exports: [DigestsService],
    };
  }
}
