// Bounded parallelism for per-file work: enough to overlap network waits, few enough not to trip rate limits.

/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order. `fn` should handle
 * its own failures: the first rejection rejects the whole map (calls already started still run to their end).
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  const workers = Math.max(1, Math.min(Math.trunc(limit) || 1, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
