import { ValidationFailed } from '@tally/http';
import type { WriteCommand } from '../http/write-commands';

/** The editor's desk's form, as typed: every field a text. */
export interface DeskForm {
  readonly kind: string;
  readonly expectedRevision: string;
  readonly title: string;
  readonly summary: string;
  readonly location: string;
  readonly figures: string;
  readonly removeFigures: string;
  readonly sourceUrl: string;
  readonly sourcePublisher: string;
  readonly reportedAt: string;
  readonly reason: string;
}

const FIELDS: readonly (keyof DeskForm)[] = [
  'kind',
  'expectedRevision',
  'title',
  'summary',
  'location',
  'figures',
  'removeFigures',
  'sourceUrl',
  'sourcePublisher',
  'reportedAt',
  'reason',
];

export function emptyForm(): DeskForm {
  return Object.fromEntries(FIELDS.map((field) => [field, ''])) as unknown as DeskForm;
}

/** A posted form's fields (texts of at most 20 000 characters; anything else is empty). */
export function formOf(body: unknown): DeskForm {
  const posted = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    FIELDS.map((field) => {
      const value = posted[field];
      return [field, typeof value === 'string' ? value.slice(0, 20_000) : ''];
    }),
  ) as unknown as DeskForm;
}

/**
 * The body the route of `kind` takes, from the form: figures written one a line
 * (`killed = 23`, `killed{location=Al-Mayadeen} = 13`, `killed = 15..20`), empty fields left
 * out, a revision's title, summary and location set only when given. The route's DTO checks it.
 */
export function bodyOf(kind: WriteCommand, form: DeskForm): object {
  const given = (text: string) => (text.trim() === '' ? undefined : text.trim());
  const facts = {
    reason: given(form.reason),
    reportedAt: given(form.reportedAt) && zoned(form.reportedAt.trim()),
    source: given(form.sourceUrl) && {
      url: form.sourceUrl.trim(),
      publisher: given(form.sourcePublisher),
    },
    expectedRevision: /^\d{1,10}$/.test(form.expectedRevision)
      ? Number(form.expectedRevision)
      : undefined,
  };
  const figures = figuresOf(form.figures);
  switch (kind) {
    case 'file':
      return clean({
        title: form.title.trim(),
        summary: given(form.summary),
        location: given(form.location),
        figures,
        ...facts,
        expectedRevision: undefined,
      });
    case 'update':
    case 'correction':
      return clean({
        kind,
        ...facts,
        set: clean({
          title: given(form.title),
          summary: given(form.summary),
          location: given(form.location),
        }),
        figures,
        removeFigures: lines(form.removeFigures),
      });
    case 'claim':
      return clean({ ...facts, figures });
    case 'retract':
    case 'restore':
      return clean({ reason: facts.reason, expectedRevision: facts.expectedRevision });
  }
}

const FIGURE_LINE = /^(\S+?)\s*=\s*(\d+)(?:\s*(?:\.\.|–|-)\s*(\d+))?$/;

function figuresOf(text: string) {
  return lines(text).map((line, i) => {
    const match = FIGURE_LINE.exec(line);
    if (!match) {
      throw ValidationFailed.at(
        `figures, line ${i + 1}`,
        'write a figure as killed = 23, killed{location=Al-Mayadeen} = 13 or killed = 15..20',
      );
    }
    const [, key, low, high] = match;
    const brace = key.indexOf('{');
    const measure = brace === -1 ? key : key.slice(0, brace);
    const dimensions =
      brace === -1 || !key.endsWith('}')
        ? undefined
        : Object.fromEntries(
            key
              .slice(brace + 1, -1)
              .split(',')
              .map((pair) => pair.split('=').map((part) => part.trim()) as [string, string]),
          );
    const amount =
      high === undefined ? { value: Number(low) } : { min: Number(low), max: Number(high) };
    return { measure, ...(dimensions && { dimensions }), ...amount };
  });
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** A datetime-local field's value (no zone) read as UTC; a value with a zone as it is. */
export function zoned(text: string): string {
  return /(Z|[+-]\d\d:\d\d)$/.test(text) ? text : `${text.length === 16 ? `${text}:00` : text}Z`;
}

function clean<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
