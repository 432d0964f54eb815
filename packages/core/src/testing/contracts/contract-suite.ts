// What every store contract suite shares: a fresh store per test (closed after it), a set clock, the `ready()` case.
import type { ControlledClock } from '../manual-clock';

/** What a factory opens for one test: the store, and what else the cases need to reach. */
export interface StoreSubject<S> {
  store: S;
  /** Releases what the factory opened (a file, a connection); nothing to do for a per-test DynamoDB table. */
  close?(): Promise<void>;
}

/** A store whose `now` reads `clock`. */
export interface ClockedStoreSubject<S> extends StoreSubject<S> {
  clock: ControlledClock;
}

/**
 * Registers, in the calling describe block, hooks that open a fresh subject before each test and close it after.
 * The returned getter gives the current test's subject; it throws when called while Jest collects tests.
 */
export function openEach<T extends StoreSubject<unknown>>(open: () => Promise<T>): () => T {
  let current: T | undefined;
  beforeEach(async () => {
    current = await open();
  });
  afterEach(async () => {
    const opened = current;
    current = undefined;
    await opened?.close?.();
  });
  return () => {
    if (!current) throw new Error('No store is open: read the subject inside tests and hooks, not while collecting them.');
    return current;
  };
}

/**
 * A port's contract suite: `describe(name)` with a fresh subject per test, its clock (if any) set to `clockAt`, and
 * the one case every port shares — a working store is ready. `cases` adds the port's own.
 */
export function describeContract<T extends StoreSubject<{ ready(): Promise<void> }> & { clock?: ControlledClock }>(
  name: string,
  open: () => Promise<T>,
  options: { clockAt?: number },
  cases: (subject: () => T) => void,
): void {
  describe(name, () => {
    const subject = openEach(async () => {
      const opened = await open();
      if (options.clockAt !== undefined) opened.clock?.set(options.clockAt);
      return opened;
    });

    it('is ready', async () => {
      await expect(subject().store.ready()).resolves.toBeUndefined();
    });

    cases(subject);
  });
}
