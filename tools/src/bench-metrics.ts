// Bench: computeMetrics over a million trades, in journal order and shuffled (`npm run -s bench:metrics`).
import { computeMetrics, type StoredTrade } from '@pecunia/core';
import { seededRandom, shuffle } from '@pecunia/core/testing';
import { benchJournal, freshRows } from './bench/journal-fixture';

const COUNT = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = 5;


function best(trades: StoredTrade[]): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    computeMetrics(trades, { timezone: process.env.BENCH_TZ ?? 'America/New_York' });
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

const inOrder = freshRows(benchJournal(COUNT));
const outOfOrder = freshRows(shuffle(inOrder, seededRandom(42)));
for (const [name, trades] of [['journal order', inOrder], ['shuffled', outOfOrder]] as const) {
  process.stdout.write(`${name}: ${COUNT.toLocaleString('en-US')} trades, best of ${ROUNDS}: ${best(trades).toFixed(0)} ms\n`);
}
