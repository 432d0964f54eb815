import { FUTURES_POINT_VALUES, futuresRoot, looksLikeFuturesContract, multipliersWith, parseMultiplierTable, pointValueOf } from './contracts';

describe('futuresRoot', () => {
  it.each([
    ['MESH6', 'MES'],
    ['ESH6', 'ES'],
    ['/ESH26', 'ES'],
    ['/ESH26:XCME', 'ES'],
    ['NQ 03-26', 'NQ'],
    ['NQ MAR26', 'NQ'],
    ['MNQM2026', 'MNQ'],
    ['M2KH6', 'M2K'],
    ['6EU5', '6E'],
    ['zn z5', 'ZN'],
    ['@ES', 'ES'],
    ['AAPL', 'AAPL'],
    ['SPY260320C00680000', 'SPY260320C00680000'],
  ])('%s → %s', (contract, root) => {
    expect(futuresRoot(contract)).toBe(root);
  });

  it('tells dated contracts from plain symbols', () => {
    expect(['MESH6', '/ES', 'NQ 03-26', 'NQ MAR26', 'GCZ2026'].map(looksLikeFuturesContract)).toEqual([true, true, true, true, true]);
    expect(['AAPL', 'ES', 'BRK.B', 'SPY260320C00680000'].map(looksLikeFuturesContract)).toEqual([false, false, false, false]);
  });

  it('looks the point value up by root', () => {
    expect(pointValueOf('/MNQH26:XCME', FUTURES_POINT_VALUES)).toBe(2);
    expect(pointValueOf('6JM6', FUTURES_POINT_VALUES)).toBe(12_500_000);
    expect(pointValueOf('FOOH6', FUTURES_POINT_VALUES)).toBeUndefined();
  });
});

describe('parseMultiplierTable', () => {
  it('reads ROOT=VALUE entries separated by commas or semicolons', () => {
    expect(parseMultiplierTable(' zn=1000, FOO=12.5;BAR = 0.5 ,')).toEqual({ ok: true, multipliers: { ZN: 1000, FOO: 12.5, BAR: 0.5 } });
    expect(parseMultiplierTable('')).toEqual({ ok: true, multipliers: {} });
  });

  it('lists every problem at once', () => {
    const result = parseMultiplierTable('ES, NQ=abc, CL=-1, E S=5, GC=100, gc=10, ZB=');

    expect(result).toEqual({
      ok: false,
      problems: [
        '"ES" has no "=" (write ROOT=POINT_VALUE, e.g. ES=50)',
        '"NQ=abc": the point value must be a number greater than 0',
        '"CL=-1": the point value must be a number greater than 0',
        '"E S=5": the root must be 1 to 10 letters or digits',
        '"GC" is listed more than once',
        '"ZB=": the point value must be a number greater than 0',
      ],
    });
  });
});

describe('multipliersWith', () => {
  it('puts configured extras over the built-in table without changing it', () => {
    const merged = multipliersWith({ foo: 12.5, ES: 55 });

    expect(merged).toMatchObject({ FOO: 12.5, ES: 55, NQ: 20 });
    expect(FUTURES_POINT_VALUES.ES).toBe(50);
  });
});
