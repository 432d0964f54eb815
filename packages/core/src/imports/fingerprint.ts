// Fingerprints that identify an imported trade across exports of the same account, so a re-import updates, not doubles.
import { hash } from 'node:crypto';

/** sha256 of `text`, hex, first 32 characters (128 bits: collisions are not a practical concern). */
export function digest(text: string): string {
  // One-shot `hash` (UTF-8, as `createHash().update(text, 'utf8')`): a Hash object per trade cost several times more.
  return hash('sha256', text, 'hex').slice(0, 32);
}

/**
 * Hands out fingerprints for one file: when two trades would hash the same text (identical fills twice in a file),
 * the later one gets `#2`, `#3`… appended before hashing, so both survive and a re-export numbers them alike.
 */
export class FingerprintBook {
  private readonly seen = new Map<string, number>();

  fingerprint(text: string): string {
    const count = (this.seen.get(text) ?? 0) + 1;
    this.seen.set(text, count);
    return digest(count === 1 ? text : `${text}#${count}`);
  }
}
