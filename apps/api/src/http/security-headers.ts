// Helmet's headers, worked out once: with static options (no per-request directive functions, such as a nonce)
// Helmet sets the same headers on every response, and running its dozen middleware per request only recomputes them.
import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

type HeaderStep = { set: string; value: string } | { remove: string };

/**
 * What Helmet with `options` does to a response, in its order: the headers it sets (name as Helmet spells it, value)
 * and the ones it removes. Worked out by running Helmet once against a recording response; options that make a
 * header depend on the request (a CSP directive given as a function) are refused, as they cannot be worked out once.
 */
export function helmetSteps(options: Readonly<HelmetOptions>): HeaderStep[] {
  const steps: HeaderStep[] = [];
  const recorder = {
    setHeader(name: string, value: unknown) {
      if (typeof value !== 'string') throw new Error(`helmet set ${name} to a non-string value`);
      steps.push({ set: name, value });
      return recorder;
    },
    removeHeader(name: string) {
      steps.push({ remove: name });
    },
  };
  const directives = (options.contentSecurityPolicy as { directives?: Record<string, unknown> } | undefined)?.directives ?? {};
  for (const [name, value] of Object.entries(directives)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === 'function')) throw new Error(`CSP directive ${name} depends on the request: use helmet() itself`);
  }
  let outcome: unknown = 'not called';
  helmet(options)({} as never, recorder as never, (error?: unknown) => {
    outcome = error;
  });
  if (outcome !== undefined) throw new Error(`helmet did not pass the request on: ${String(outcome)}`);
  return steps;
}

/** Sets on each response exactly the headers Helmet with `options` would (see `helmetSteps`), and removes the same, in its order. */
export function securityHeaders(options: Readonly<HelmetOptions>): RequestHandler {
  const steps = helmetSteps(options);
  // Flat arrays: a name and, for a header to set, its value (undefined: remove it).
  const names = steps.map((step) => ('set' in step ? step.set : step.remove));
  const values = steps.map((step) => ('set' in step ? step.value : undefined));
  const count = names.length;
  return (_req, res, next) => {
    for (let i = 0; i < count; i++) {
      const value = values[i];
      if (value === undefined) res.removeHeader(names[i]!);
      else res.setHeader(names[i]!, value);
    }
    next();
  };
}
