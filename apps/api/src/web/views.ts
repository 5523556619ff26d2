import { Injectable } from '@nestjs/common';
import { Eta } from 'eta';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { amountText, timeText } from './words';

/**
 * A directory of the web app's sources (templates, assets), found from this file up: beside it
 * when run by ts-jest, the source tree's when run compiled (the image copies both).
 */
export function webDirectory(name: 'views' | 'assets'): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    for (const candidate of [join(dir, name), join(dir, 'apps/api/src/web', name)]) {
      if (existsSync(join(candidate, '.web'))) return candidate;
    }
    if (dirname(dir) === dir) throw new Error(`the web app's ${name} are not found`);
  }
}

/** What every page's layout needs besides the page's own data. */
export interface PageFrame {
  readonly title: string;
  /** Who is signed in, if anyone. */
  readonly principal: { name: string; role: string } | null;
  readonly csrf: string;
  readonly canEdit: boolean;
  readonly publicRead: boolean;
}

/** The Eta templates of `views/`, escaped by default, cached once read. */
@Injectable()
export class Views {
  private readonly eta = new Eta({
    views: webDirectory('views'),
    autoEscape: true,
    autoTrim: false,
    cache: true,
  });

  render(name: string, frame: PageFrame, data: object): string {
    return this.eta.render(name, { ...data, frame, helpers: HELPERS });
  }
}

const HELPERS = {
  amount: amountText,
  time: timeText,
  /** A query string from the parameters given (the others left out). */
  query(params: Record<string, string | number | undefined | null>): string {
    const entries = Object.entries(params).filter(
      (entry): entry is [string, string | number] =>
        entry[1] !== undefined && entry[1] !== null && entry[1] !== '',
    );
    return entries.length === 0
      ? ''
      : `?${entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
  },
};
