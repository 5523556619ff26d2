import { ApiParam } from '@nestjs/swagger';
import { ValidationFailed } from '@tally/http';

/** A figure key in a path: checked before the report is looked up. */
export function figureKeyParam(key: string): string {
  if (key.length > 1000 || key.includes('\u0000')) {
    throw ValidationFailed.at('key', 'is not a figure key');
  }
  return key;
}

/** Documents the `{key}` path parameter. */
export const ApiFigureKey = () =>
  ApiParam({ name: 'key', description: 'URL-encoded figure key, e.g. killed%7Blocation%3DX%7D' });
