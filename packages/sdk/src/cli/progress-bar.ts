// A text progress bar for a job, drawn on stderr: redrawn in place on a terminal, one line per change otherwise.
import type { JobProgress } from '../types';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export function renderBar(progress: number, width = 24): string {
  const clamped = Math.min(Math.max(Number.isFinite(progress) ? progress : 0, 0), 1);
  const filled = Math.round(clamped * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(clamped * 100)).padStart(3)}%`;
}

export function progressBar(stream: ProgressStream) {
  let drawn = false;
  return {
    update({ status, stage, progress }: JobProgress): void {
      const line = `${renderBar(progress)} ${status === 'running' ? stage : status}`;
      if (stream.isTTY) {
        // Carriage return and erase-to-end redraw the same line.
        stream.write(`\r${line}\x1b[K`);
        drawn = true;
      } else {
        stream.write(`${line}\n`);
      }
    },
    /** Ends the redrawn line so that what follows starts on its own. */
    done(): void {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
