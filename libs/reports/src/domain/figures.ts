import { FieldProblem } from './report.errors';

/** A count: an exact value, or a range when sources disagree. */
export type Amount = number | { readonly min: number; readonly max: number };

export interface Figure {
  /** Canonical: `measure{a=x,b=y}`, dimensions sorted by name; no braces without dimensions. */
  readonly key: string;
  readonly measure: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly amount: Amount;
}

/** A figure as a command gives it, before it is checked. */
export interface FigureInput {
  readonly measure: string;
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly value?: number;
  readonly min?: number;
  readonly max?: number;
}

export const FIGURE_LIMITS = {
  measureLength: 64,
  dimensions: 3,
  dimensionLength: 100,
  figuresPerReport: 200,
} as const;

/** A measure's name: lower-case, a letter first (`killed`, `positions_targeted`). */
export const MEASURE_PATTERN = /^[a-z][a-z0-9_]*$/;
export const MEASURE_RULE = 'must match [a-z][a-z0-9_]*';
const FORBIDDEN_IN_DIMENSION = /[{},=]/;
/**
 * Names that JavaScript readers take for an object's machinery rather than its data (the HTTP
 * layer's validation deletes them, `Object.assign` turns `__proto__` into a prototype): refused,
 * so that no reader anywhere can mistake `killed{constructor=Syrian}` for the headline. Every
 * other name, `toString` included, is kept as given.
 */
const RESERVED_DIMENSION_NAMES: ReadonlySet<string> = new Set([
  '__proto__',
  'prototype',
  'constructor',
]);

export function figureKey(measure: string, dimensions: Readonly<Record<string, string>>): string {
  const names = Object.keys(dimensions).sort();
  if (names.length === 0) return measure;
  return `${measure}{${names.map((name) => `${name}=${dimensions[name]}`).join(',')}}`;
}

/** A canonical key's measure and dimensions (`killed{location=X}`): keys hold no `{},=` else. */
export function parseFigureKey(key: string): Pick<Figure, 'key' | 'measure' | 'dimensions'> {
  const brace = key.indexOf('{');
  if (brace === -1) return { key, measure: key, dimensions: {} };
  const pairs = key.slice(brace + 1, -1).split(',');
  return {
    key,
    measure: key.slice(0, brace),
    dimensions: Object.fromEntries(pairs.map((pair) => pair.split('=') as [string, string])),
  };
}

/** Checks a figure; returns it in canonical form, or the problems found (paths under `path`). */
export function parseFigure(input: FigureInput, path: string): Figure | FieldProblem[] {
  const problems: FieldProblem[] = [];
  const { measure } = input;
  if (typeof measure !== 'string' || !MEASURE_PATTERN.test(measure)) {
    problems.push({ path: `${path}.measure`, message: MEASURE_RULE });
  } else if (measure.length > FIGURE_LIMITS.measureLength) {
    problems.push({
      path: `${path}.measure`,
      message: `must be at most ${FIGURE_LIMITS.measureLength} characters`,
    });
  }
  const dimensions = input.dimensions ?? {};
  const names = Object.keys(dimensions);
  if (names.length > FIGURE_LIMITS.dimensions) {
    problems.push({
      path: `${path}.dimensions`,
      message: `at most ${FIGURE_LIMITS.dimensions} dimensions`,
    });
  }
  for (const name of names) {
    if (RESERVED_DIMENSION_NAMES.has(name)) {
      problems.push({ path: `${path}.dimensions`, message: `${name} is reserved as a name` });
      continue;
    }
    const value = dimensions[name];
    for (const [what, text] of [
      ['name', name],
      ['value', value],
    ] as const) {
      if (typeof text !== 'string' || text.length === 0) {
        problems.push({ path: `${path}.dimensions.${name}`, message: `${what} must be text` });
      } else if (text.length > FIGURE_LIMITS.dimensionLength) {
        problems.push({
          path: `${path}.dimensions.${name}`,
          message: `${what} must be at most ${FIGURE_LIMITS.dimensionLength} characters`,
        });
      } else if (FORBIDDEN_IN_DIMENSION.test(text)) {
        problems.push({
          path: `${path}.dimensions.${name}`,
          message: `${what} may not contain {, }, , or =`,
        });
      }
    }
  }
  const amount = parseAmount(input, path, problems);
  if (problems.length > 0 || amount === null) return problems;
  return { key: figureKey(measure, dimensions), measure, dimensions: sorted(dimensions), amount };
}

function parseAmount(input: FigureInput, path: string, problems: FieldProblem[]): Amount | null {
  const { value, min, max } = input;
  const hasValue = value !== undefined && value !== null;
  const hasRange = (min !== undefined && min !== null) || (max !== undefined && max !== null);
  if (hasValue === hasRange) {
    problems.push({ path, message: 'give either value, or min and max' });
    return null;
  }
  const count = (n: unknown, at: string): n is number => {
    if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) return true;
    problems.push({ path: `${path}.${at}`, message: 'must be an integer of at least 0' });
    return false;
  };
  if (hasValue) return count(value, 'value') ? value : null;
  const validMin = count(min, 'min');
  const validMax = count(max, 'max');
  if (!validMin || !validMax) return null;
  if (min > max) {
    problems.push({ path: `${path}.min`, message: 'must not be greater than max' });
    return null;
  }
  return { min, max };
}

function sorted(dimensions: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(dimensions)
      .sort()
      .map((name) => [name, dimensions[name]]),
  );
}

export function sameAmount(a: Amount | null, b: Amount | null): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  return a.min === b.min && a.max === b.max;
}
