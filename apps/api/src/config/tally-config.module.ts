import { DynamicModule, Global, Module } from '@nestjs/common';
import { TALLY_CONFIG } from '../http/auth.guard';
import type { TallyConfig } from './tally-config';

/** The configuration read at start, for every module to inject as `TALLY_CONFIG`. */
@Global()
@Module({})
export class TallyConfigModule {
  static forRoot(config: TallyConfig): DynamicModule {
    return {
      module: TallyConfigModule,
      providers: [{ provide: TALLY_CONFIG, useValue: config }],
      exports: [TALLY_CONFIG],
    };
  }
}
