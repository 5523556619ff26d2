import { ClaimedFigure, adopts, isNewClaim, latestClaimOf, publisherOf } from './claims';
import { FIGURE_LIMITS, Figure, FigureInput, parseFigure, sameAmount } from './figures';
import {
  FieldProblem,
  InvalidRevision,
  ReportNotRetracted,
  ReportRetracted,
} from './report.errors';
import { ReportCommand } from './report.commands';
import {
  DETAIL_FIELDS,
  DetailChanges,
  ReportEvent,
  RevisedKind,
  RevisionFacts,
  unreachable,
} from './report.events';
import { ReportState, bookOf } from './report.state';

/**
 * The reports' business rules: given the report's state (null before it is filed) and a
 * command, the events to record. An empty list means the command changes nothing.
 */
export function decide(command: ReportCommand, state: ReportState | null): ReportEvent[] {
  if (command.type === 'FileReport') {
    if (state !== null) throw InvalidRevision.at('id', 'the report exists already');
    if (!command.title?.trim()) throw InvalidRevision.at('title', 'must not be empty');
    const figures = parseFigures(command.figures ?? [], 'figures');
    checkFigureCount(figures.length);
    return [
      {
        type: 'ReportFiled',
        data: {
          ...facts(command, false),
          title: command.title,
          summary: command.summary ?? null,
          location: command.location ?? null,
          occurredAt: command.occurredAt ?? null,
          figures,
        },
      },
    ];
  }
  if (state === null) throw new Error('a command other than FileReport needs a filed report');
  checkSourceCount(state, command.source);
  switch (command.type) {
    case 'ReviseReport':
      return revise(command, state);
    case 'RecordClaims':
      return recordClaims(command, state);
    case 'RetractReport':
      if (state.status === 'retracted') throw new ReportRetracted(state.id);
      return [{ type: 'ReportRetracted', data: facts(command, true) }];
    case 'RestoreReport':
      if (state.status !== 'retracted') throw new ReportNotRetracted(state.id);
      return [
        {
          type: 'ReportRestored',
          data: { ...facts(command, true), status: state.statusBeforeRetraction ?? 'developing' },
        },
      ];
    default:
      return unreachable(command);
  }
}

function revise(
  command: Extract<ReportCommand, { type: 'ReviseReport' }>,
  state: ReportState,
): ReportEvent[] {
  if (state.status === 'retracted') throw new ReportRetracted(state.id);
  const kind = command.kind ?? 'update';
  if (kind !== 'update' && kind !== 'correction') {
    throw InvalidRevision.at('kind', 'must be update or correction');
  }
  const set = command.set ?? {};
  if (set.status === 'retracted') {
    throw InvalidRevision.at('set.status', 'use POST /reports/{id}/retract to retract');
  }
  if (set.title !== undefined && !set.title.trim()) {
    throw InvalidRevision.at('set.title', 'must not be empty');
  }
  const revisionFacts = facts(command, true);

  const details: Record<string, unknown> = {};
  for (const field of DETAIL_FIELDS) {
    const value = set[field];
    if (value !== undefined && value !== state[field]) details[field] = value;
  }

  const figures = parseFigures(command.figures ?? [], 'figures');
  const current = new Map(state.figures.map((figure) => [figure.key, figure]));
  const removals = command.removeFigures ?? [];
  const problems: FieldProblem[] = [];
  removals.forEach((key, i) => {
    if (!current.has(key))
      problems.push({ path: `removeFigures[${i}]`, message: 'no such figure' });
    if (figures.some((figure) => figure.key === key)) {
      problems.push({ path: `removeFigures[${i}]`, message: 'also set by this revision' });
    }
  });
  if (new Set(removals).size !== removals.length) {
    problems.push({ path: 'removeFigures', message: 'lists a key twice' });
  }
  if (problems.length > 0) throw new InvalidRevision(problems);

  const claims = claimsOf(figures, state, kind, revisionFacts);
  const added = claims.filter((claim) => claim.adopted && !current.has(claim.key)).length;
  checkFigureCount(state.figures.length + added - removals.length);

  if (Object.keys(details).length === 0 && claims.length === 0 && removals.length === 0) {
    if (!citesNewSource(state, revisionFacts)) return [];
  }
  return [
    {
      type: 'ReportRevised',
      data: {
        ...revisionFacts,
        kind,
        details: details as DetailChanges,
        claims,
        removedFigures: [...removals],
      },
    },
  ];
}

/** What a source said, recorded beside the report's figures and never adopted. */
function recordClaims(
  command: Extract<ReportCommand, { type: 'RecordClaims' }>,
  state: ReportState,
): ReportEvent[] {
  if (state.status === 'retracted') throw new ReportRetracted(state.id);
  const revisionFacts = facts(command, true);
  if (revisionFacts.source === null) throw InvalidRevision.at('source', 'is required');
  const figures = parseFigures(command.figures ?? [], 'figures');
  if (figures.length === 0) throw InvalidRevision.at('figures', 'must list at least one claim');
  const claims = claimsOf(figures, state, 'claim', revisionFacts);
  if (claims.length === 0 && !citesNewSource(state, revisionFacts)) return [];
  return [
    {
      type: 'ReportRevised',
      data: { ...revisionFacts, kind: 'claim', details: {}, claims, removedFigures: [] },
    },
  ];
}

/**
 * The claims a revision records: each figure it gives that is new for its publisher or that,
 * adopted, changes the report's figure. An `update` or `correction` is adopted unless the key's
 * adopted claim was reported later; a `claim` never is.
 */
function claimsOf(
  figures: readonly Figure[],
  state: ReportState,
  kind: RevisedKind,
  revisionFacts: RevisionFacts,
): ClaimedFigure[] {
  const publisher = publisherOf(revisionFacts.source);
  const current = new Map(state.figures.map((figure) => [figure.key, figure]));
  const book = bookOf(state);
  const claims = figures.flatMap((figure) => {
    const adopted = current.get(figure.key);
    const adopt = kind !== 'claim' && adopts(adopted, revisionFacts.reportedAt);
    const changes = adopt && !sameAmount(adopted?.amount ?? null, figure.amount);
    const fresh = isNewClaim(latestClaimOf(book.claims, figure.key, publisher), figure.amount);
    return fresh || changes ? [{ ...figure, adopted: adopt }] : [];
  });
  const claimedKeys = new Set([...book.claims.map((k) => k.key), ...claims.map((c) => c.key)]);
  if (claimedKeys.size > CLAIMED_KEYS_PER_REPORT) {
    throw InvalidRevision.at(
      'figures',
      `a report holds claims on at most ${CLAIMED_KEYS_PER_REPORT} keys`,
    );
  }
  return claims;
}

/** Citing a source the report does not list yet is a change of its own. */
function citesNewSource(state: ReportState, revisionFacts: RevisionFacts): boolean {
  const { source } = revisionFacts;
  return source !== null && !state.sources.some((known) => known.url === source.url);
}

function facts(
  command: { reason?: string | null; reportedAt?: string | null; source?: RevisionFacts['source'] },
  reasonRequired: boolean,
): RevisionFacts {
  const reason = command.reason?.trim() ? command.reason : null;
  if (reasonRequired && reason === null) throw InvalidRevision.at('reason', 'is required');
  return { reason, reportedAt: command.reportedAt ?? null, source: command.source ?? null };
}

function parseFigures(inputs: readonly FigureInput[], path: string): Figure[] {
  const figures: Figure[] = [];
  const problems: FieldProblem[] = [];
  const seen = new Map<string, number>();
  inputs.forEach((input, i) => {
    const parsed = parseFigure(input, `${path}[${i}]`);
    if (Array.isArray(parsed)) {
      problems.push(...parsed);
      return;
    }
    const earlier = seen.get(parsed.key);
    if (earlier !== undefined) {
      problems.push({ path: `${path}[${i}]`, message: `same key as ${path}[${earlier}]` });
      return;
    }
    seen.set(parsed.key, i);
    figures.push(parsed);
  });
  if (problems.length > 0) throw new InvalidRevision(problems);
  return figures;
}

/** Claimed keys outlive their figures (a removed figure keeps its claims): bounded too. */
export const CLAIMED_KEYS_PER_REPORT = 2 * FIGURE_LIMITS.figuresPerReport;

/** Sources accumulate with every revision that cites a new one: bounded, as figures are. */
export const SOURCES_PER_REPORT = 100;

function checkSourceCount(state: ReportState, source: RevisionFacts['source'] | undefined): void {
  if (
    source &&
    state.sources.length >= SOURCES_PER_REPORT &&
    !state.sources.some((known) => known.url === source.url)
  ) {
    throw InvalidRevision.at('source', `a report cites at most ${SOURCES_PER_REPORT} sources`);
  }
}

function checkFigureCount(count: number): void {
  if (count > FIGURE_LIMITS.figuresPerReport) {
    throw InvalidRevision.at(
      'figures',
      `a report has at most ${FIGURE_LIMITS.figuresPerReport} figures`,
    );
  }
}
