// Renders the API document as one self-contained HTML page (no scripts, no CDN): operations, parameters, schemas.
import type { OpenAPIObject } from './document';

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Escapes, then shows `code` spans and paragraphs: the only Markdown the document's descriptions use. */
const prose = (text: unknown): string =>
  typeof text === 'string'
    ? text
        .split(/\n{2,}/)
        .map((p) => `<p>${escapeHtml(p).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`)
        .join('')
    : '';

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const refName = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);

/** Follows a local `$ref` (`#/components/…`) to what it names. */
function resolve(doc: Json, value: unknown): Json {
  if (!isObject(value) || typeof value['$ref'] !== 'string') return isObject(value) ? value : {};
  let node: unknown = doc;
  for (const part of value['$ref'].replace(/^#\//, '').split('/')) node = isObject(node) ? node[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return isObject(node) ? node : {};
}

/** A schema as a short type expression, with links to named schemas. */
function typeOf(schema: unknown): string {
  if (!isObject(schema)) return 'any';
  if (typeof schema['$ref'] === 'string') {
    const name = escapeHtml(refName(schema['$ref']));
    return `<a href="#schema-${name}">${name}</a>`;
  }
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
    const parts = schema[key];
    if (Array.isArray(parts)) return parts.map(typeOf).join(key === 'allOf' ? ' &amp; ' : ' | ');
  }
  if (Array.isArray(schema['enum'])) return schema['enum'].map((v) => `<code>${escapeHtml(JSON.stringify(v))}</code>`).join(' | ');
  if ('const' in schema) return `<code>${escapeHtml(JSON.stringify(schema['const']))}</code>`;
  const types = Array.isArray(schema['type']) ? (schema['type'] as unknown[]) : [schema['type'] ?? 'object'];
  return types
    .map((type) => (type === 'array' ? `${typeOf(schema['items'])}[]` : escapeHtml(String(type))))
    .join(' | ');
}

function propertiesTable(schema: Json): string {
  const properties = isObject(schema['properties']) ? schema['properties'] : {};
  const required = new Set(Array.isArray(schema['required']) ? (schema['required'] as string[]) : []);
  const rows = Object.entries(properties).map(([name, property]) => {
    const p = isObject(property) ? property : {};
    return `<tr><td><code>${escapeHtml(name)}</code>${required.has(name) ? ' <em>required</em>' : ''}</td><td>${typeOf(p)}</td><td>${prose(p['description'])}</td></tr>`;
  });
  if (rows.length === 0) return `<p>Type: ${typeOf(schema)}${schema['additionalProperties'] ? ' (open object)' : ''}</p>`;
  return `<table><thead><tr><th>Field</th><th>Type</th><th>Description</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function contentList(content: unknown): string {
  if (!isObject(content)) return '';
  return Object.entries(content)
    .map(([mediaType, media]) => `<code>${escapeHtml(mediaType)}</code> ${isObject(media) && media['schema'] ? typeOf(media['schema']) : ''}`)
    .join('<br>');
}

function operationSection(doc: Json, path: string, method: string, operation: Json, globalSecurity: unknown): string {
  const id = escapeHtml(String(operation['operationId'] ?? `${method}-${path}`));
  const security = Array.isArray(operation['security']) ? operation['security'] : globalSecurity;
  const auth = Array.isArray(security) && security.length > 0 ? 'Bearer API key' : 'None';
  const parameters = (Array.isArray(operation['parameters']) ? operation['parameters'] : []).map((p) => resolve(doc, p));
  const parameterRows = parameters.map(
    (p) =>
      `<tr><td><code>${escapeHtml(String(p['name']))}</code>${p['required'] ? ' <em>required</em>' : ''}</td><td>${escapeHtml(String(p['in']))}</td><td>${typeOf(p['schema'])}</td><td>${prose(p['description'])}</td></tr>`,
  );
  const body = resolve(doc, operation['requestBody']);
  const responses = isObject(operation['responses']) ? operation['responses'] : {};
  const responseRows = Object.entries(responses).map(([status, raw]) => {
    const response = resolve(doc, raw);
    return `<tr><td>${escapeHtml(status)}</td><td>${prose(response['description'])}</td><td>${contentList(response['content'])}</td></tr>`;
  });
  return [
    `<section id="op-${id}"><h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>`,
    `<p><strong>${escapeHtml(String(operation['summary'] ?? ''))}</strong> · operationId <code>${id}</code> · auth: ${auth}</p>`,
    prose(operation['description']),
    parameterRows.length
      ? `<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Description</th></tr></thead><tbody>${parameterRows.join('')}</tbody></table>`
      : '',
    isObject(body['content']) ? `<h4>Request body${body['required'] ? ' (required)' : ''}</h4><p>${contentList(body['content'])}</p>` : '',
    `<h4>Responses</h4><table><thead><tr><th>Status</th><th>Description</th><th>Content</th></tr></thead><tbody>${responseRows.join('')}</tbody></table>`,
    '</section>',
  ].join('\n');
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
code{font:13px ui-monospace,monospace;background:#f2f4f7;padding:0 .25em;border-radius:3px}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #d8dde3;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td p{margin:0}section{border-top:1px solid #d8dde3;padding-top:.5rem;margin-top:1.5rem}
.method{font:bold 12px ui-monospace,monospace;padding:.15em .5em;border-radius:3px;color:#fff;background:#57606a}
.get{background:#1f6feb}.post{background:#1a7f37}.delete{background:#cf222e}em{color:#8c959f;font-size:12px}`;

/** The whole page. Every text taken from the document is escaped. */
export function renderDocsPage(document: OpenAPIObject): string {
  const doc = document as unknown as Json;
  const info = isObject(doc['info']) ? doc['info'] : {};
  const paths = isObject(doc['paths']) ? doc['paths'] : {};
  const operations: { tag: string; html: string; link: string }[] = [];
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const tag = Array.isArray(operation['tags']) ? String(operation['tags'][0]) : 'Other';
      const id = escapeHtml(String(operation['operationId'] ?? `${method}-${path}`));
      operations.push({
        tag,
        html: operationSection(doc, path, method, operation, doc['security']),
        link: `<li><a href="#op-${id}">${method.toUpperCase()} ${escapeHtml(path)}</a> — ${escapeHtml(String(operation['summary'] ?? ''))}</li>`,
      });
    }
  }
  const tags = [...new Set(operations.map((o) => o.tag))];
  const components = isObject(doc['components']) ? doc['components'] : {};
  const schemas = isObject(components['schemas']) ? components['schemas'] : {};
  const schemaSections = Object.entries(schemas).map(([name, schema]) => {
    const s = isObject(schema) ? schema : {};
    return `<section id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3>${prose(s['description'])}${propertiesTable(s)}</section>`;
  });
  const title = `${escapeHtml(String(info['title'] ?? 'API'))} ${escapeHtml(String(info['version'] ?? ''))}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><style>${STYLE}</style></head><body>
<h1>${title}</h1>${prose(info['description'])}
<p>Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI ${escapeHtml(String(doc['openapi'] ?? ''))}).</p>
<nav><h2>Operations</h2>${tags.map((tag) => `<h4>${escapeHtml(tag)}</h4><ul>${operations.filter((o) => o.tag === tag).map((o) => o.link).join('')}</ul>`).join('')}
<p><a href="#schemas">Schemas</a></p></nav>
<main>${tags.map((tag) => `<h2>${escapeHtml(tag)}</h2>${operations.filter((o) => o.tag === tag).map((o) => o.html).join('\n')}`).join('\n')}
<h2 id="schemas">Schemas</h2>${schemaSections.join('\n')}</main></body></html>
`;
}
