// Builds the OpenAPI 3.1 document of the HTTP API from the zod schemas the routes validate with and the response schemas.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import packageJson from '../../package.json';
import { registerOperations } from './operations';
import { PROBLEM_RESPONSES } from './problem-responses';
import { problemSchema } from './response-schemas';

export type OpenAPIObject = ReturnType<OpenApiGeneratorV31['generateDocument']>;


/** The OpenAPI document of the API as this build serves it. Deterministic: the committed copy must equal it. */
export function buildOpenApiDocument(): OpenAPIObject {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key as `Authorization: Bearer <key>` (local mode prints one on first start).',
  });
  registry.registerComponent('headers', 'X-Request-Id', {
    description: 'Identifies the request in the server logs; echoes a valid incoming `X-Request-Id`.',
    schema: { type: 'string' },
  });
  registry.registerComponent('headers', 'Retry-After', {
    description: 'Seconds to wait before retrying.',
    schema: { type: 'integer', minimum: 0 },
  });
  registry.registerComponent('parameters', 'IdempotencyKey', {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Any unique string (1–255 visible ASCII characters). A retry with the same key and body returns the first response ' +
      '(`Idempotent-Replayed: true`), a server error included, and writes nothing twice; a 4xx or 503 frees the key.',
    schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
  });
  for (const [status, [name, description]] of Object.entries(PROBLEM_RESPONSES)) {
    const retryable = status === '409' || status === '429' || status === '503';
    registry.registerComponent('responses', name, {
      description,
      headers: {
        'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' },
        ...(retryable ? { 'Retry-After': { $ref: '#/components/headers/Retry-After' } } : {}),
      },
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
  }
  registerOperations(registry);

  // Problem is referenced only from the raw response components above, so it is handed to the generator directly.
  const generator = new OpenApiGeneratorV31([...registry.definitions, { type: 'schema', schema: problemSchema }], { sortComponents: 'alphabetically' });
  return generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Pecunia API',
      version: packageJson.version,
      description:
        'Trading-journal API: log trades (structured or as a narrative, with chart and voice attachments), read them back, ' +
        'and run asynchronous analyses that turn the journal into a coaching report.\n\n' +
        'Errors are `application/problem+json` with a stable `code`. Every response carries `X-Request-Id`. ' +
        'Send `Idempotency-Key` on trade writes so that retries never write twice.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: 'http://localhost:8000', description: 'Local mode (`npm start`)' }],
    security: [{ bearerAuth: [] }],
    tags: [
      { name: 'Trades', description: 'Log, submit and list trades.' },
      { name: 'Media', description: 'Stored attachments.' },
      { name: 'Analysis', description: 'Asynchronous analysis jobs and their reports.' },
      { name: 'Health', description: 'Liveness and readiness (no key needed).' },
      { name: 'Docs', description: 'This document and its interactive reference (no key needed).' },
    ],
  });
}
