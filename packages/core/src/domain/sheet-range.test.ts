import { parseSheetId, parseSheetRange } from './sheet-range';

describe('sheet ranges', () => {
  it.each([
    ['Journal!A1', 'Journal', 'A1'],
    ["'My trades'!A1:H", 'My trades', 'A1:H'],
    ["'It''s mine'!A:P", "It's mine", 'A:P'],
    ['Journal', 'Journal', null],
    [undefined, 'Journal', 'A1'],
  ])('parses %p', (input, tab, cells) => {
    expect(parseSheetRange(input)).toEqual({ tab, cells });
  });

  it.each(['Journal!ZZZZ1', "'Open!A1", '!A1', 'Journal!A1:B2:C3', 'Tab\u0000!A1', 42])('rejects %p with SHEET.INVALID_RANGE', (input) => {
    expect(() => parseSheetRange(input)).toThrow(expect.objectContaining({ code: 'SHEET.INVALID_RANGE', status: 400 }));
  });

  it('accepts spreadsheet ids and refuses anything that could be a path or SQL', () => {
    expect(parseSheetId('1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms')).toBe('1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms');
    for (const bad of ['', '../etc', "x'; DROP TABLE rows;--", 'a b', undefined, 'x'.repeat(129)]) {
      expect(() => parseSheetId(bad)).toThrow(expect.objectContaining({ code: 'SHEET.INVALID_ID' }));
    }
  });
});
