import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@tally/http';
import type { Response } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebPageError, WebErrors } from './web-errors.filter';
import { webDirectory } from './views';
import { UseFilters } from '@nestjs/common';

const TYPES: Record<string, string> = {
  'tally.css': 'text/css; charset=utf-8',
  'tally.js': 'text/javascript; charset=utf-8',
};

/** The web app's stylesheet and script, served by Tally itself (no CDN), read once. */
@ApiExcludeController()
@Public()
@UseFilters(WebErrors)
@Controller('ui/assets')
export class WebAssetsController {
  private readonly files = new Map(
    Object.keys(TYPES).map((name) => [name, readFileSync(join(webDirectory('assets'), name))]),
  );

  @Get(':file')
  asset(@Param('file') file: string, @Res() response: Response) {
    const content = this.files.get(file);
    if (!content) throw new WebPageError(404, 'Nothing here', 'There is no such file.');
    response.setHeader('Content-Type', TYPES[file]);
    response.setHeader('Cache-Control', 'public, max-age=3600');
    response.send(content);
  }
}
