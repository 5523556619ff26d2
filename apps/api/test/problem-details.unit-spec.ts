import { BadRequestException } from '@nestjs/common';
import { StreamVersionConflictError } from '@tally/event-store';
import { RevisionConflict } from '@tally/reports';
import { problemFor } from '../src/http/problem-details.filter';

describe('problemFor', () => {
  it.each([
    [{ code: '57014', message: 'canceling statement due to statement timeout' }, 503],
    [{ code: '57P01', message: 'terminating connection due to administrator command' }, 503],
    [{ code: '08006', message: 'connection failure' }, 503],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 503],
    [new Error('Connection terminated unexpectedly'), 503],
    [Object.assign(new Error('getaddrinfo ENOTFOUND db.invalid'), { code: 'ENOTFOUND' }), 503],
    [Object.assign(new Error('getaddrinfo EAI_AGAIN db'), { code: 'EAI_AGAIN' }), 503],
    [Object.assign(new Error('connect EHOSTUNREACH 10.0.0.9:5432'), { code: 'EHOSTUNREACH' }), 503],
    [{ code: '40P01', message: 'deadlock detected' }, 503],
    [{ code: '40001', message: 'could not serialize access' }, 503],
    [new Error('timeout exceeded when trying to connect'), 503],
    [new RevisionConflict('r', 1, 2), 409],
    [new StreamVersionConflictError('s', 1, 2), 409],
    [new BadRequestException('bad'), 400],
    [{ code: '22003', message: 'value "99999999999" is out of range for type integer' }, 400],
    [{ code: '22008', message: 'date/time field value out of range: "0000-01-01"' }, 400],
    [{ code: '22P02', message: 'invalid input syntax for type uuid: "x"' }, 400],
    [{ code: '22021', message: 'invalid byte sequence for encoding "UTF8": 0x00' }, 400],
    [{ code: '23505', message: 'duplicate key value violates unique constraint' }, 500],
    [new Error('boom'), 500],
  ])('maps %p to %d, with no internals in the body', (error, status) => {
    const problem = problemFor(error);
    expect(problem.status).toBe(status);
    expect(JSON.stringify(problem)).not.toMatch(/\bat .+:\d+:\d+/);
    if (status === 500) expect(problem.detail).not.toContain('boom');
  });

  it('carries the current revision on a conflict', () => {
    expect(problemFor(new RevisionConflict('r', 1, 2))).toMatchObject({ currentRevision: 2 });
  });
});
