// apps/api/Dockerfile read as text (no Docker engine runs here): two stages, a non-root runtime holding only dist/api.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** Instructions in order: continuation lines joined, comments (parser directives included) and blank lines dropped. */
function instructionsOf(text: string): Instruction[] {
  const logical = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return logical.map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

function stagesOf(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructionsOf(text)) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/);
      stages.push({ from: image, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** `COPY --from=build --chown=x /a /b ./` → its flags and its sources (every path but the last). */
function copyOf(args: string): { flags: Record<string, string>; sources: string[] } {
  const words = args.split(/\s+/);
  const flags = Object.fromEntries(words.filter((w) => w.startsWith('--')).map((w) => w.slice(2).split('=') as [string, string]));
  const paths = words.filter((w) => !w.startsWith('--'));
  return { flags, sources: paths.slice(0, -1) };
}

const readDockerfile = () => readFileSync(path.join(ROOT, 'apps/api/Dockerfile'), 'utf8');
const finalStage = (stages: Stage[]) => stages.at(-1)!;
const argsOf = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

describe('apps/api/Dockerfile', () => {
  it('has two stages, both on a Node slim image, the first named and building the API', () => {
    // Arrange
    const text = readDockerfile();
    // Act
    const stages = stagesOf(text);
    // Assert
    expect(stages).toHaveLength(2);
    expect(stages.map((s) => s.from)).toEqual([expect.stringMatching(/^node:(20|22)-bookworm-slim$/), expect.stringMatching(/^node:(20|22)-bookworm-slim$/)]);
    expect(stages[0]!.name).toBe('build');
    expect(argsOf(stages[0]!, 'RUN').join('\n')).toMatch(/npm ci[\s\S]*npm run -s build:api/);
  });

  it('runs the final stage as a user that is not root', () => {
    // Arrange
    const stage = finalStage(stagesOf(readDockerfile()));
    // Act
    const users = argsOf(stage, 'USER');
    // Assert
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });

  it('copies only dist/api from the build stage into the final stage, nothing from the build context', () => {
    // Arrange
    const stages = stagesOf(readDockerfile());
    // Act
    const copies = [...argsOf(finalStage(stages), 'COPY'), ...argsOf(finalStage(stages), 'ADD')].map(copyOf);
    // Assert
    expect(copies.length).toBeGreaterThan(0);
    for (const { flags, sources } of copies) {
      expect(flags.from).toBe(stages[0]!.name);
      for (const source of sources) expect(path.posix.normalize(source).replace(/\/$/, '')).toMatch(/(^|\/)dist\/api$/);
    }
  });

  it('checks its health on /api/health, listens on 8000 and starts main.js', () => {
    // Arrange
    const stage = finalStage(stagesOf(readDockerfile()));
    // Act
    const healthchecks = argsOf(stage, 'HEALTHCHECK');
    const cmd = JSON.parse(argsOf(stage, 'CMD').at(-1) ?? '[]') as string[];
    // Assert
    expect(healthchecks).toHaveLength(1);
    expect(healthchecks[0]).toMatch(/CMD .*\/api\/health/);
    expect(argsOf(stage, 'EXPOSE')).toContain('8000');
    expect(argsOf(stage, 'ENV').join(' ')).toMatch(/PORT=8000/);
    expect(argsOf(stage, 'ENV').join(' ')).toMatch(/NODE_ENV=production/);
    expect(cmd).toEqual(['node', 'main.js']);
  });

  it('keeps dependencies, build output, local data and env files out of the build context', () => {
    // Arrange
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim());
    // Act
    const missing = ['**/node_modules', 'dist', '.nx', '.data*', 'coverage', '**/.env'].filter((pattern) => !ignored.includes(pattern));
    // Assert
    expect(missing).toEqual([]);
  });
});
