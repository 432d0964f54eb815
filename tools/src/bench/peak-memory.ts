// Peak memory: of a process from Linux's own accounting (/proc/<pid>/status VmHWM, reset between measurements), and of
// this process's JS heap from V8's GC profiler.
import { readFileSync, writeFileSync } from 'node:fs';
import { GCProfiler } from 'node:v8';

export interface MemoryStatus {
  rss_bytes: number;
  /** High-water mark of the resident set since the process started or its last reset. */
  peak_bytes: number;
}

function kilobytes(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`/proc status has no ${field} line`);
  return Number(match[1]) * 1024;
}

export function memoryStatus(pid: number | 'self' = 'self'): MemoryStatus {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rss_bytes: kilobytes(status, 'VmRSS'), peak_bytes: kilobytes(status, 'VmHWM') };
}

/**
 * Sets VmHWM back to the current RSS (`5` to clear_refs, Linux ≥ 4.0), so the next reading is the peak of what ran in
 * between alone. The kernel tracks the peak on every page fault: unlike sampling, no short spike is missed.
 */
export function resetPeak(pid: number | 'self' = 'self'): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** Whether this system can measure peaks this way (Linux with a writable clear_refs). */
export function canMeasurePeaks(): boolean {
  try {
    resetPeak();
    memoryStatus();
    return true;
  } catch {
    return false;
  }
}

/** The part of V8's heap statistics read here (the runtime names them in camelCase, unlike @types/node). */
interface GcHeapStatistics {
  usedHeapSize: number;
}

/**
 * How far the JS heap rose above its level at the start of `run`, garbage included: the largest heap V8 had in use
 * before any collection during the run (from its GC profiler), or at the end. RSS cannot show this when the heap
 * already has room (freed pages are reused before new ones are touched); this shows what the code allocates.
 */
export async function heapPeakGrowth<T>(run: () => T | Promise<T>): Promise<{ value: T; growth_bytes: number }> {
  const profiler = new GCProfiler();
  const before = process.memoryUsage().heapUsed;
  profiler.start();
  const value = await run();
  const after = process.memoryUsage().heapUsed;
  const { statistics } = profiler.stop();
  const peak = Math.max(after, ...statistics.map((gc) => (gc.beforeGC.heapStatistics as unknown as GcHeapStatistics).usedHeapSize));
  return { value, growth_bytes: Math.max(0, peak - before) };
}
