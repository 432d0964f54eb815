import { buildOpenApiDocument, type OpenAPIObject } from './document';
import { renderDocsPage } from './docs-page';

describe('renderDocsPage', () => {
  it('lists every operation with its parameters, and every schema', () => {
    const document = buildOpenApiDocument();
    const page = renderDocsPage(document);

    for (const item of Object.values(document.paths ?? {})) {
      for (const operation of [item.get, item.post]) if (operation) expect(page).toContain(`id="op-${operation.operationId}"`);
    }
    for (const name of Object.keys(document.components?.schemas ?? {})) expect(page).toContain(`id="schema-${name}"`);
    expect(page).toContain('<code>Idempotency-Key</code>');
    expect(page).toContain('<code>sheet_id</code> <em>required</em>');
    expect(page).not.toMatch(/<script|https?:\/\/(?!localhost|docs\.pecunia\.dev)/);
  });

  it('escapes text taken from the document', () => {
    const document = {
      openapi: '3.1.0',
      info: { title: '<b>T</b>', version: '1', description: 'Use `a<b`' },
      paths: { '/x': { get: { operationId: 'x"y', summary: '<img src=x>', responses: { 200: { description: 'ok' } } } } },
    } as unknown as OpenAPIObject;

    const page = renderDocsPage(document);

    expect(page).toContain('&lt;b&gt;T&lt;/b&gt;');
    expect(page).toContain('<code>a&lt;b</code>');
    expect(page).toContain('&lt;img src=x&gt;');
    expect(page).not.toContain('<img');
    expect(page).toContain('id="op-x&quot;y"');
  });
});
