// A1 ranges as Sheets reads them: quoted tab names, a bare tab name for the whole tab, open-ended rows and columns.
import { GoogleHttpError } from './standin-http';

/** 1-based bounds of a range; an open end (`A:C`, `1:1`, a whole tab) is Infinity. */
export interface A1Bounds {
  tab: string | undefined;
  startRow: number;
  startColumn: number;
  endRow: number;
  endColumn: number;
}

const ENDPOINT = /^\$?([A-Za-z]{0,3})\$?(\d{0,7})$/;

export function columnNumber(letters: string): number {
  let n = 0;
  for (const char of letters.toUpperCase()) n = n * 26 + (char.charCodeAt(0) - 64);
  return n;
}

/**
 * Splits `'My tab'!A1:C`, `Journal`, `Journal!1:1` or `A1:B2` (the first tab). `hasTab` says whether a bare word
 * names a tab, because Sheets reads `Journal` as a tab when one is so named and as a cell reference otherwise.
 */
export function parseA1(text: string, hasTab: (name: string) => boolean): A1Bounds {
  const fail = () => new GoogleHttpError(400, `Unable to parse range: ${text}`);
  let tab: string | undefined;
  let cells: string | undefined;
  if (text.startsWith("'")) {
    let name = '';
    let i = 1;
    for (; i < text.length; i++) {
      if (text[i] === "'") {
        if (text[i + 1] !== "'") break;
        i++;
      }
      name += text[i];
    }
    const rest = text.slice(i + 1);
    if (i >= text.length || (rest !== '' && !rest.startsWith('!'))) throw fail();
    tab = name;
    cells = rest === '' ? undefined : rest.slice(1);
  } else {
    const bang = text.lastIndexOf('!');
    if (bang !== -1) {
      tab = text.slice(0, bang);
      cells = text.slice(bang + 1);
    } else if (hasTab(text)) {
      tab = text;
    } else {
      cells = text;
    }
  }
  if (tab !== undefined && !hasTab(tab)) throw fail();
  if (cells === undefined) return { tab, startRow: 1, startColumn: 1, endRow: Infinity, endColumn: Infinity };

  const [from = '', to, extra] = cells.split(':');
  const start = ENDPOINT.exec(from);
  const end = to === undefined ? start : ENDPOINT.exec(to);
  if (extra !== undefined || !start || !end || (!start[1] && !start[2]) || (!end[1] && !end[2])) throw fail();
  const bounds = {
    tab,
    startRow: start[2] ? Number(start[2]) : 1,
    startColumn: start[1] ? columnNumber(start[1]) : 1,
    endRow: end[2] ? Number(end[2]) : Infinity,
    endColumn: end[1] ? columnNumber(end[1]) : Infinity,
  };
  if (bounds.startRow < 1 || bounds.endRow < bounds.startRow || bounds.endColumn < bounds.startColumn) throw fail();
  return bounds;
}
