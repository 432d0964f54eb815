// Test helper: Python's `cryptography` Fernet — the earlier service's — to check our tokens open there and back.
import { spawnSync } from 'node:child_process';

// Starting python3 and importing cryptography can take seconds on a busy machine, hence the long timeouts.
export const PYTHON_TIMEOUT_MS = 30_000;

// Values go through stdin, never a file; the key is derived exactly as the earlier service did.
const PYTHON_FERNET = `
import base64, hashlib, json, sys
from cryptography.fernet import Fernet
request = json.load(sys.stdin)
fernet = Fernet(base64.urlsafe_b64encode(hashlib.sha256(request["secret"].encode("utf-8")).digest()))
if request["op"] == "encrypt":
    print(fernet.encrypt(request["value"].encode("utf-8")).decode("ascii"))
else:
    print(fernet.decrypt(request["value"].encode("ascii")).decode("utf-8"))
`;

/** Seals or opens `value` with Python's Fernet under the key derived from `secret`. */
export function pythonFernet(op: 'encrypt' | 'decrypt', secret: string, value: string): string {
  const run = spawnSync('python3', ['-c', PYTHON_FERNET], { input: JSON.stringify({ op, secret, value }), encoding: 'utf8', timeout: PYTHON_TIMEOUT_MS });
  if (run.status !== 0) throw new Error(`python3 ${op} failed: ${run.stderr || run.error?.message}`);
  return run.stdout.trimEnd();
}

/**
 * Why Python's Fernet cannot run here, or undefined when it can. Checked when a test file loads, so a local run
 * without it reports the interop tests as skipped, with the reason; under CI (`CI=true`) they run and fail instead.
 */
let missing: { reason: string | undefined } | undefined;
export function pythonFernetMissing(): string | undefined {
  // Asked once, and only by the files that test interop: starting Python costs seconds.
  if (!missing) {
    const check = spawnSync('python3', ['-c', 'import cryptography.fernet'], { encoding: 'utf8', timeout: PYTHON_TIMEOUT_MS });
    missing = { reason: check.status === 0 ? undefined : (check.error?.message ?? check.stderr.trim().split('\n').at(-1)) };
  }
  return missing.reason;
}

/** `describe` when Python's Fernet is there or CI must run it; `describe.skip` (with the reason) otherwise. */
export const describePythonInterop = (name: string, body: () => void): void => {
  const reason = pythonFernetMissing();
  const run = reason === undefined || process.env.CI === 'true' ? describe : describe.skip;
  run(`${name}${reason ? ` (python3 unavailable: ${reason})` : ''}`, () => {
    beforeAll(() => {
      if (reason !== undefined) {
        throw new Error(`CI must run the Python interop tests: python3 with the cryptography module is required (${reason})`);
      }
    });
    body();
  });
};
