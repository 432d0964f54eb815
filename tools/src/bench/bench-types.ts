// What each comparison hands back: a table for people, raw numbers for the JSON, and how they were measured.
import type { SectionId, Sizes } from './options';

/** A cell: a number (formatted by the column's unit) or text (`n/a (…)`, a label). */
export type Cell = number | string;

export interface Column {
  title: string;
  /** How numbers in this column are printed. */
  unit?: 'ms' | 'µs' | 'req/s' | 'MB' | 'KB' | 'x' | 'count';
}

export interface SectionResult {
  id: SectionId;
  title: string;
  /** One or two sentences under the table: what ran and what each number is. */
  method: string;
  columns: Column[];
  rows: Cell[][];
  /** The same numbers unformatted (and whatever else is worth keeping), for the JSON file. */
  data: Record<string, unknown>;
  /** Things that could not be measured, each with its reason. */
  notes?: string[];
}

export interface SectionFailure {
  id: SectionId;
  title: string;
  error: string;
}

export interface Machine {
  cpu: string;
  cpus: number;
  memory_gb: number;
  node: string;
  platform: string;
  /** One-minute load average when the run started: on a shared machine, how much else was running. */
  load_average: number;
}

export interface Revision {
  /** HEAD, short; `unknown` outside a git checkout. */
  commit: string;
  /** Tracked files differed from HEAD: the run measured HEAD plus those changes. */
  uncommitted_changes: boolean;
}

export interface BenchRun {
  date: string;
  mode: 'quick' | 'full';
  machine: Machine;
  revision: Revision;
  sizes: Sizes;
  sections: (SectionResult | SectionFailure)[];
}

export interface SectionContext {
  sizes: Sizes;
  quick: boolean;
  /** Progress lines for the person watching (stderr), never part of the results. */
  log(message: string): void;
}

export type Section = (context: SectionContext) => Promise<SectionResult>;

export const isFailure = (section: SectionResult | SectionFailure): section is SectionFailure => 'error' in section;
