import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { useTestApp } from './support/test-app';

describe('the OpenAPI document and public reads', () => {
  const t = useTestApp({ publicRead: true });

  it('validates as OpenAPI 3 and lists every route with its error responses', async () => {
    const { body } = await t.http().get('/docs-json').expect(200);
    await SwaggerParser.validate(structuredClone(body));
    expect(body.openapi).toMatch(/^3\./);
    const routes: [string, string, string[]][] = [
      ['/reports', 'post', ['201', '400', '401', '403', '413', '422', '429']],
      ['/reports', 'get', ['200', '400', '401']],
      ['/reports/{id}', 'get', ['200', '400', '404']],
      ['/reports/{id}/revisions', 'post', ['200', '201', '400', '404', '409', '422']],
      ['/reports/{id}/revisions', 'get', ['200', '400', '404']],
      ['/reports/{id}/revisions/{n}', 'get', ['200', '404']],
      ['/reports/{id}/retract', 'post', ['201', '409']],
      ['/reports/{id}/restore', 'post', ['201', '409']],
      ['/reports/{id}/diff', 'get', ['200', '400', '404']],
      ['/reports/{id}/figures/{key}/history', 'get', ['200', '404']],
      ['/reports/{id}/verify', 'get', ['200', '404']],
      ['/events', 'get', ['200', '400']],
      ['/health', 'get', ['200', '503']],
      ['/stats/figures', 'get', ['200', '400', '401']],
      ['/projections', 'get', ['200', '401', '403']],
      ['/projections/{name}/rebuild', 'post', ['202', '401', '403', '404', '409']],
      ['/projections/{name}/resume', 'post', ['200', '401', '403', '404']],
    ];
    for (const [path, method, statuses] of routes) {
      const operation = body.paths[path]?.[method];
      expect({ path, method, found: Boolean(operation) }).toEqual({ path, method, found: true });
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(statuses));
    }
  });

  it("passes Redocly's recommended rules with no error and no warning but health's lack of a 4xx", async () => {
    const { body } = await t.http().get('/docs-json').expect(200);
    const problems = await lintFromString({
      source: JSON.stringify(body),
      absoluteRef: 'docs-json.json',
      config: await createConfig({ extends: ['recommended'] }),
    });
    const found = problems.map(
      (problem) => `${problem.severity} ${problem.ruleId} ${problem.location[0]?.pointer ?? ''}`,
    );
    expect(found).toEqual(['warn operation-4xx-response #/paths/~1health/get/responses']);
  });

  it('says what a change may hold: text, a count, a range or a source, or null', async () => {
    const { body } = await t.http().get('/docs-json').expect(200);
    const { from, to } = body.components.schemas.ChangeResponse.properties;
    for (const value of [from, to]) {
      expect(value.type).toBeUndefined();
      expect(value.oneOf.map((branch: { type: string }) => branch.type)).toEqual([
        'string',
        'integer',
        'object',
      ]);
    }
  });

  it('lets anyone read with TALLY_PUBLIC_READ=true, but not write', async () => {
    await t.http().get('/reports').expect(200);
    await t.http().post('/reports').send({ title: 'x' }).expect(401);
    await t.http().get('/reports').set('Authorization', 'Bearer wrong-token-1').expect(401);
    await t.as('reader').get('/reports').expect(200);
  });
});
