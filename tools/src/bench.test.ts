// The bench cannot rot: `--quick` runs every comparison end to end, and each writes a table and JSON with numbers.
// No duration is compared with anything — the numbers of a quick run on a busy CI box mean nothing.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BenchRun, SectionFailure, SectionResult } from './bench/bench-types';
import { parseBenchArgs, SECTION_IDS, UsageError } from './bench/options';

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);

/** Every number anywhere in a value. */
function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.flatMap(numbersIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(numbersIn);
  return [];
}

const TITLES: Record<(typeof SECTION_IDS)[number], string> = {
  ingest: 'Ingest',
  attachments: 'Attachments',
  reads: 'Journal reads',
  analysis: 'Analysis',
  metrics: 'Metrics engine',
  lambda: 'Lambda bundle',
  google: 'Google-mode external calls',
  imports: 'Broker imports',
};

describe('npm run bench -- --quick', () => {
  let out: string;
  let result: BenchRun;
  let markdown: string;
  let latest: string;
  let files: string[];

  beforeAll(async () => {
    out = await mkdtemp(path.join(os.tmpdir(), 'pecunia-bench-test-'));
    // As `npm run bench` runs it, in its own process: servers, worker threads and child processes all end with it.
    await run(process.execPath, ['--expose-gc', '--import', 'tsx', 'tools/src/bench.ts', '--quick', '--out', out], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '' },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: Error & { stderr?: string }) => {
      throw new Error(`the quick bench failed: ${error.message}\n${error.stderr ?? ''}`);
    });
    files = (await readdir(out)).sort();
    const json = files.find((name) => name.endsWith('-quick.json'))!;
    result = JSON.parse(await readFile(path.join(out, json), 'utf8')) as BenchRun;
    markdown = await readFile(path.join(out, json.replace(/\.json$/, '.md')), 'utf8');
    latest = await readFile(path.join(out, 'latest.md'), 'utf8');
  }, 180_000);

  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('writes a dated Markdown table and JSON, and the same table as latest.md', () => {
    // Arrange: the run above. Act: its files.
    // Assert
    expect(files).toEqual([expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-quick\.json$/), expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-quick\.md$/), 'latest.md']);
    expect(latest).toBe(markdown);
  });

  it('states the machine, the date and the code it ran on', () => {
    // Arrange
    const cpus = os.cpus();
    // Act
    const { machine, mode, date, revision } = result;
    // Assert
    expect(mode).toBe('quick');
    expect(Number.isNaN(Date.parse(date))).toBe(false);
    expect(machine).toEqual({ cpu: expect.any(String), cpus: cpus.length, memory_gb: expect.any(Number), node: process.version, platform: expect.any(String), load_average: expect.any(Number) });
    expect(markdown.split('\n')[0]).toContain(`${date.slice(0, 10)} `);
    expect(markdown.split('\n')[0]).toContain(`${cpus.length} × ${machine.cpu}`);
    expect(markdown.split('\n')[0]).toContain(`Node ${process.version}`);
    expect(revision).toEqual({ commit: expect.any(String), uncommitted_changes: expect.any(Boolean) });
    expect(markdown.split('\n')[0]).toContain(`code at ${revision.commit}`);
  });

  it.each(SECTION_IDS)('has the %s comparison, with numbers in its JSON and its table', (id) => {
    // Arrange
    const section = result.sections.find((s) => s.id === id) as SectionResult | SectionFailure | undefined;
    // Act
    const numbers = section && !('error' in section) ? numbersIn(section.data) : [];
    const block = markdown.split(`**${TITLES[id]}**`)[1]?.split('\n**')[0] ?? '';
    const tableRows = block.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| ---'));
    // Assert
    expect(section).toMatchObject({ id, title: TITLES[id] });
    expect(section).not.toHaveProperty('error');
    expect(numbers.length).toBeGreaterThan(0);
    expect(numbers.filter((n) => !Number.isFinite(n))).toEqual([]);
    const { columns, rows } = section as SectionResult;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toHaveLength(columns.length);
    // A header row, then one line per row: each with a number, or the reason it has none.
    expect(tableRows).toHaveLength(rows.length + 1);
    for (const line of tableRows.slice(1)) expect(line).toMatch(/\d|n\/a \(/);
    expect(tableRows.slice(1).filter((line) => /\| -?[\d,.]+×? \|/.test(line)).length).toBeGreaterThan(0);
  });

  it('reports what cannot be measured yet as n/a, with the reason', () => {
    // Arrange
    const data = (id: string) => (result.sections.find((s) => s.id === id) as SectionResult).data;
    // Act
    const multipart = (data('attachments')['routes'] as Record<string, unknown>)['multipart'];
    const googleapis = (data('lambda')['variants'] as Record<string, Record<string, unknown>>)['googleapis']!;
    // Assert
    // The streamed multipart trade route exists now: measured like the JSON one.
    expect(multipart).toEqual({ growth_bytes: expect.any(Array), median_growth_bytes: expect.any(Number), growth_per_file_byte: expect.any(Number) });
    // googleapis is not a dependency; should someone install it, the row is measured instead.
    if ('unavailable' in googleapis) expect(markdown).toContain('n/a (googleapis not installed)');
    else expect(googleapis).toMatchObject({ zip_bytes: expect.any(Number), median_init_ms: expect.any(Number) });
  });
});

describe('bench arguments', () => {
  it('runs every comparison at full size by default, and a chosen few with --only', () => {
    // Arrange / Act
    const all = parseBenchArgs([]);
    const some = parseBenchArgs(['--quick', '--only', 'reads,ingest']);
    // Assert
    expect(all).toMatchObject({ quick: false, only: [...SECTION_IDS] });
    expect(some).toMatchObject({ quick: true, only: ['ingest', 'reads'] });
  });

  it('refuses an unknown comparison or flag with the usage line', () => {
    // Arrange / Act / Assert
    expect(() => parseBenchArgs(['--only', 'ingest,speed'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--fast'])).toThrow(/usage: npm run bench/);
  });
});
