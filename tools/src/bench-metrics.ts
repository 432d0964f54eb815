// Bench: computeMetrics over a million trades, in journal order and shuffled (`npm run -s bench:metrics`).
import { computeMetrics, type StoredTrade } from '@pecunia/core';
import { benchJournal } from './bench/journal-fixture';

const COUNT = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = 5;

function journal(count: number): StoredTrade[] {
  // Rows read from a journal are fresh, flat objects: a JSON round trip gives the benchmark the same memory layout.
  return JSON.parse(JSON.stringify(benchJournal(count))) as StoredTrade[];
}

function shuffled(trades: StoredTrade[]): StoredTrade[] {
  const copy = [...trades];
  let seed = 42;
  for (let i = copy.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = seed % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return JSON.parse(JSON.stringify(copy)) as StoredTrade[];
}

function best(trades: StoredTrade[]): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    computeMetrics(trades, { timezone: process.env.BENCH_TZ ?? 'America/New_York' });
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

const inOrder = journal(COUNT);
const outOfOrder = shuffled(inOrder);
for (const [name, trades] of [['journal order', inOrder], ['shuffled', outOfOrder]] as const) {
  process.stdout.write(`${name}: ${COUNT.toLocaleString('en-US')} trades, best of ${ROUNDS}: ${best(trades).toFixed(0)} ms\n`);
}
