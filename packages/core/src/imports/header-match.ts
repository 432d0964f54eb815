// Header requirements of a format: each names the column a person would look for and the spellings that satisfy it.
import { headerIndex } from './cells';
import type { CsvRecord } from './import-types';

export interface HeaderRequirement {
  /** How the requirement is named in `IMPORT.HEADERS_MISSING` (`Date/Time`, `Exec Time`). */
  label: string;
  /** Lower-case header spellings, any one of which satisfies it. */
  anyOf: readonly string[];
}

/** The first of `names` (lower-case) that `index` has, undefined when none. */
export function firstPresent(index: ReadonlyMap<string, number>, names: readonly string[]): string | undefined {
  return names.find((name) => index.has(name));
}

/** Labels of the requirements `cells` (a header record) does not meet. */
export function missingFrom(cells: readonly string[], requirements: readonly HeaderRequirement[]): string[] {
  const index = headerIndex(cells);
  return requirements.filter((requirement) => firstPresent(index, requirement.anyOf) === undefined).map((requirement) => requirement.label);
}

/**
 * What the best candidate header among the first records lacks: [] when one record has every required column.
 * `cellsOf` lets a format strip its own row prefixes first.
 */
export function missingInHead(
  head: readonly CsvRecord[],
  requirements: readonly HeaderRequirement[],
  cellsOf: (record: CsvRecord) => readonly string[] = (record) => record.cells,
): string[] {
  let best: string[] | undefined;
  for (const record of head) {
    const missing = missingFrom(cellsOf(record), requirements);
    if (best === undefined || missing.length < best.length) best = missing;
    if (missing.length === 0) break;
  }
  return best ?? requirements.map((requirement) => requirement.label);
}
