import { Module } from '@nestjs/common';
import { ReportPages } from './report-page';
import { Views } from './views';
import { WebAssetsController } from './web-assets.controller';
import { WebErrors } from './web-errors.filter';
import { WebController } from './web.controller';
import { WebSessions } from './web-session';

/** The web app, served by the API's server: pages, forms, assets. */
@Module({
  controllers: [WebAssetsController, WebController],
  providers: [Views, WebSessions, ReportPages, WebErrors],
})
export class WebModule {}
