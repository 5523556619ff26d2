import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../../..');
/** Not the project's files: installed, built, or local state (`.git`, `.tally`'s database). */
const SKIPPED = new Set(['node_modules', 'dist', 'coverage']);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name) || entry.name.startsWith('.')) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory()
      ? [`${relative(ROOT, path)}/`, ...filesUnder(path)]
      : [relative(ROOT, path)];
  });
}

/** What the map names in code spans that look like files or folders: `a/b.ts`, `b.ts`, `a/`. */
function namedPaths(markdown: string): string[] {
  const spans = [...markdown.matchAll(/`([^`\s{}]+)`/g)].map((match) => match[1]);
  return [...new Set(spans.filter((span) => /\/|\.(ts|mjs|md|json|sh)$/.test(span)))];
}

/** A path from the root, a glob of one folder (`projections/*.projection.ts`), or a file's tail. */
function found(path: string, files: readonly string[]): boolean {
  if (path.includes('*')) {
    const pattern = new RegExp(`(^|/)${path.replace(/[.]/g, '\\.').replace('*', '[^/]+')}$`);
    return files.some((file) => pattern.test(file));
  }
  return existsSync(join(ROOT, path)) || files.some((file) => file.endsWith(`/${path}`));
}

describe('docs/architecture.md', () => {
  it('names only files and folders that exist', () => {
    const files = filesUnder(ROOT);
    const named = namedPaths(readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8'));
    expect(named.length).toBeGreaterThan(40);
    expect(named.filter((path) => !found(path, files))).toEqual([]);
  });
});
