// A clock that a test moves by hand, for the stores and services that take `now: () => number`.

/** What a contract suite needs of a clock: to put it at a time and move it on. */
export interface ControlledClock {
  set(ms: number): void;
  advance(ms: number): void;
}

export interface ManualClock extends ControlledClock {
  /** Epoch milliseconds; pass it as the `now` option (it needs no `this`). */
  now(): number;
}

export function manualClock(startMs = 0): ManualClock {
  let ms = startMs;
  return {
    now: () => ms,
    set: (to) => {
      ms = to;
    },
    advance: (by) => {
      ms += by;
    },
  };
}
