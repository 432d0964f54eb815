// CPU time of this process's main thread alone. The bench's servers run on it while autocannon runs on a thread of
// its own, so `process.cpuUsage()` (every thread of the process) would count the load generator's time too.
import { readFileSync } from 'node:fs';

/** Linux reports thread times in USER_HZ ticks, 100 a second on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/**
 * User + system CPU time of the main thread so far, in µs (10 ms steps), from `/proc/self/task/<pid>/stat`; null where
 * there is no such file (not Linux).
 */
export function mainThreadCpuMicros(): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  return cpuMicrosOfStat(stat);
}

/**
 * The CPU time in a `/proc/.../stat` line: utime and stime are its 14th and 15th fields. The 2nd, the thread's name
 * in parentheses, may hold spaces and parentheses itself, so the fields are counted from the last `)`.
 */
export function cpuMicrosOfStat(stat: string): number | null {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is the 3rd field (state): utime is fields[11], stime fields[12].
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  if (!Number.isSafeInteger(user) || !Number.isSafeInteger(system) || user < 0 || system < 0) return null;
  return ((user + system) * 1_000_000) / TICKS_PER_SECOND;
}
