import { writeFileSync } from 'node:fs';
import { buildOpenApiDocument } from './document';
import { renderDocsPage } from './docs-page';
writeFileSync('/tmp/docs.html', renderDocsPage(buildOpenApiDocument()));
