import { DynamicModule, Module } from '@nestjs/common';
import type { TallyConfig } from '../config/tally-config';
import { TALLY_CONFIG } from '../http/auth.guard';
import { ReportPages } from './report-page';
import { Views } from './views';
import { WebAssetsController } from './web-assets.controller';
import { WebErrors } from './web-errors.filter';
import { WebController } from './web.controller';
import { WebSessions } from './web-session';

/** The web app, served by the API's server: pages, forms, assets. */
@Module({})
export class WebModule {
  static register(config: TallyConfig): DynamicModule {
    return {
      module: WebModule,
      controllers: [WebAssetsController, WebController],
      providers: [
        { provide: TALLY_CONFIG, useValue: config },
        Views,
        WebSessions,
        ReportPages,
        WebErrors,
      ],
    };
  }
}
