// `pecunia report JOB --html FILE | --open`: the report page saved to a file, and opened with the platform's opener.
import { spawn } from 'node:child_process';
import path from 'node:path';

/** What saving and opening the page needs of the CLI's I/O (the command's `CommandIo` has all of it). */
export interface PageIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  writeFile(file: string, text: string): Promise<void>;
  tempDir(): Promise<string>;
  openFile(file: string): Promise<void>;
}

/**
 * Opens a file with what the desktop uses for it (`open` on macOS, `start` on Windows, `xdg-open` elsewhere). Resolves
 * once the opener has started: it is left running on its own, as a browser it starts outlives the CLI.
 */
export function platformOpener(platform: NodeJS.Platform = process.platform, run: typeof spawn = spawn): (file: string) => Promise<void> {
  const [command, args] =
    platform === 'darwin' ? ['open', [] as string[]] : platform === 'win32' ? ['cmd', ['/c', 'start', '""']] : ['xdg-open', [] as string[]];
  return (file) =>
    new Promise((resolve, reject) => {
      const child = run(command, [...args, file], { detached: true, stdio: 'ignore', windowsHide: true });
      child.once('error', reject);
      child.once('spawn', () => {
        child.unref();
        resolve();
      });
    });
}

/** Writes the page to `file` (or, with `open` and no file, to a new private temporary folder), prints where, opens it. */
export async function saveReportPage(page: string, jobId: string, target: { file?: string; open: boolean }, io: PageIo): Promise<number> {
  const file = target.file ?? path.join(await io.tempDir(), `report-${jobId.replace(/[^A-Za-z0-9-]/g, '_')}.html`);
  await io.writeFile(file, page);
  io.stdout.write(`${file}\n`);
  if (!target.open) {
    io.stderr.write('Saved the report page: open it in any browser, or send it as a file.\n');
    return 0;
  }
  try {
    await io.openFile(file);
  } catch (error) {
    io.stderr.write(`Saved the report page, but no browser could be started (${error instanceof Error ? error.message : String(error)}): open the file yourself.\n`);
    return 1;
  }
  io.stderr.write('Opened the report page in your browser.\n');
  return 0;
}
