import type { BreakdownRow } from '../domain/metrics';
import { detectPromptFocus, type PromptFocus } from './prompt-focus';

const rows = (...keys: string[]): BreakdownRow[] => keys.map((key) => ({ key, trade_count: 1, net_pnl: 0, win_rate: 0 }));
const metrics = { by_ticker: rows('TSLA', 'ON', 'F', '6E', 'BRK.B'), by_tag: rows('breakout', 'A+ setup') };
const focus = (prompt: string) => detectPromptFocus(prompt, metrics);

describe('detectPromptFocus', () => {
  it.each<[string, PromptFocus[]]>([
    ['How is my risk?', [{ kind: 'risk' }]],
    ['Are my stops too tight?', [{ kind: 'risk' }]],
    ['What is my average R?', [{ kind: 'risk' }]],
    ['Rate my Results', []],
    ['Is my entry timing off?', [{ kind: 'timing' }]],
    ['Which hours are best?', [{ kind: 'timing' }]],
    ['What happens on Fridays?', [{ kind: 'weekday', weekday: 'Friday' }]],
    ['how is tsla doing', [{ kind: 'ticker', ticker: 'TSLA' }]],
    ['Is $f worth it, and BRK.B?', [{ kind: 'ticker', ticker: 'F' }, { kind: 'ticker', ticker: 'BRK.B' }]],
    ['I lose on ON but not on 6E', [{ kind: 'ticker', ticker: 'ON' }, { kind: 'ticker', ticker: '6E' }]],
    ['Should I go on a break?', []],
    ['A quick question about F', []],
    ['longs vs shorts?', [{ kind: 'position_type', side: null }]],
    ['Are my short trades worse?', [{ kind: 'position_type', side: 'short' }]],
    ['I held losers too long', [{ kind: 'pattern', pattern: 'holding_losers' }]],
    ['How do my breakout and A+ setup trades compare?', [{ kind: 'tag', tag: 'breakout' }, { kind: 'tag', tag: 'A+ setup' }]],
    ['Am I revenge trading or overtrading?', [{ kind: 'pattern', pattern: 'revenge_trading' }, { kind: 'pattern', pattern: 'overtrading_days' }]],
    ['Do I size up after losses?', [{ kind: 'pattern', pattern: 'size_after_losses' }]],
  ])('%j → %j', (prompt, expected) => {
    expect(focus(prompt)).toEqual(expected);
  });

  it('lists topics in the order the prompt names them', () => {
    expect(focus('On Mondays, does TSLA wreck my risk?').map((f) => f.kind)).toEqual(['weekday', 'ticker', 'risk']);
  });
});
