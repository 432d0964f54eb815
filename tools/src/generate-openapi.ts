// Writes the committed API document, packages/sdk/openapi.json, from the API's zod schemas (run with tsx).
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

interface DocumentModule {
  buildOpenApiDocument(): unknown;
}

async function main(): Promise<void> {
  // Loaded by path at run time: module boundaries forbid tools from importing an app, and only this script needs it.
  const builder = path.join(root, 'apps/api/src/openapi/document.ts');
  const { buildOpenApiDocument } = (await import(builder)) as DocumentModule;
  const target = path.join(root, 'packages/sdk/openapi.json');
  writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
  process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
