// A value per key computed once, for the handful of keys a process meets (time zones): zone answers and per-zone
// structures are costly to build and asked for per request or per job.

/**
 * `compute` remembered per key. Keys can come from requests, so at most `limit` are held: when full, the memo starts
 * over rather than growing without end. A call that throws is not remembered.
 */
export function boundedMemo<T>(limit: number, compute: (key: string) => T): (key: string) => T {
  const values = new Map<string, T>();
  return (key) => {
    if (values.has(key)) return values.get(key) as T;
    const value = compute(key);
    if (values.size >= limit) values.clear();
    values.set(key, value);
    return value;
  };
}
