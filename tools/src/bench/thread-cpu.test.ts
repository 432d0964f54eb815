// The main thread's CPU time is read from /proc; the line's odd name field and junk are handled.
import { cpuMicrosOfStat, mainThreadCpuMicros } from './thread-cpu';

describe('cpuMicrosOfStat', () => {
  it('reads utime and stime (ticks of 10 ms), counting fields from the last parenthesis of the name', () => {
    const rest = 'S 1 2 3 4 5 6 7 8 9 10 250 40 0 0 20 0 1 0 100 1000 10';
    expect(cpuMicrosOfStat(`4242 (node) ${rest}`)).toBe(2_900_000);
    expect(cpuMicrosOfStat(`4242 (a (b) c) d) ${rest}`)).toBe(2_900_000);
  });

  it('answers null for a line it cannot read', () => {
    expect(cpuMicrosOfStat('')).toBeNull();
    expect(cpuMicrosOfStat('4242 (node) S 1 2')).toBeNull();
    expect(cpuMicrosOfStat('4242 (node) S 1 2 3 4 5 6 7 8 9 10 x 40')).toBeNull();
  });
});

describe('mainThreadCpuMicros', () => {
  it('on Linux, grows while this thread works and never exceeds the whole process', () => {
    if (process.platform !== 'linux') {
      expect(mainThreadCpuMicros()).toBeNull();
      return;
    }
    const before = mainThreadCpuMicros()!;
    // Work until the process has spent 100 ms of CPU (not of wall time: a busy machine may hold this thread back).
    const start = process.cpuUsage();
    let spins = 0;
    while (process.cpuUsage(start).user < 100_000) spins++;
    const after = mainThreadCpuMicros()!;
    const processTotal = process.cpuUsage();
    expect(spins).toBeGreaterThan(0);
    expect(after).toBeGreaterThan(before);
    // Ticks round down to 10 ms; the process total (every thread) is exact.
    expect(after).toBeLessThanOrEqual(processTotal.user + processTotal.system + 10_000);
  });
});
