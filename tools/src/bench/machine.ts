// The machine a run measured: numbers from a shared 2-core box and a workstation are not the same numbers.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { Machine, Revision } from './bench-types';
import { ROOT } from './options';

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() || 'unknown CPU',
    cpus: cpus.length,
    memory_gb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    load_average: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}

/**
 * The code a run measured: HEAD, and whether the working tree differed from it. Read-only: GIT_OPTIONAL_LOCKS=0 keeps
 * `git status` from refreshing the index.
 */
export function describeRevision(): Revision {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: ROOT, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return { commit: git('rev-parse', '--short', 'HEAD'), uncommitted_changes: git('status', '--porcelain', '--untracked-files=no') !== '' };
  } catch {
    return { commit: 'unknown', uncommitted_changes: false };
  }
}
