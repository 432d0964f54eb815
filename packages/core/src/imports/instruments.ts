// What a bare symbol in a file that has no asset-class column is: an OCC option, a futures contract, a currency pair,
// a crypto pair or a stock, with the root the journal files it under and the money per point it moves.
import { futuresRoot, looksLikeFuturesContract } from './contracts';
import type { AssetClass } from './import-types';

export interface Instrument {
  asset_class: AssetClass;
  root: string;
  /** Undefined for a futures contract whose root is not in the point-value table. */
  multiplier: number | undefined;
}

// OCC option symbol: underlying (padded or not), yymmdd, C/P, strike × 1000 on 8 digits.
const OCC_OPTION = /^([A-Z][A-Z0-9.]{0,5})\s*(\d{6})([CP])(\d{8})$/;
const CURRENCIES = new Set(['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'AUD', 'NZD', 'CAD', 'SEK', 'NOK', 'DKK', 'HKD', 'SGD', 'MXN', 'ZAR', 'CNH', 'PLN', 'TRY']);
const CURRENCY_PAIR = /^([A-Z]{3})[/.]?([A-Z]{3})$/;
const CRYPTO_PAIR = /^(BTC|XBT|ETH|SOL|XRP|ADA|DOGE|LTC|BCH|AVAX|DOT|LINK|MATIC|BNB)[-/]?(USD|USDT|USDC|EUR|GBP)$/;

/**
 * Classifies `symbol` with the point-value table. A symbol that is exactly a futures root (`ES`, `CL`) counts as a
 * future: a file of fills named that way is a futures file far more often than one of Eversource or Colgate shares.
 */
export function classifySymbol(symbol: string, multipliers: Readonly<Record<string, number>>): Instrument {
  const text = symbol.trim().toUpperCase();
  const option = OCC_OPTION.exec(text);
  if (option) return { asset_class: 'option', root: option[1]!, multiplier: 100 };
  const root = futuresRoot(text);
  if (looksLikeFuturesContract(text) || (text === root && multipliers[root] !== undefined)) {
    return { asset_class: 'future', root, multiplier: multipliers[root] };
  }
  if (CRYPTO_PAIR.test(text)) return { asset_class: 'crypto', root: text, multiplier: 1 };
  const pair = CURRENCY_PAIR.exec(text);
  if (pair && CURRENCIES.has(pair[1]!) && CURRENCIES.has(pair[2]!)) return { asset_class: 'forex', root: text, multiplier: 1 };
  return { asset_class: 'stock', root: text, multiplier: 1 };
}

const ASSET_WORDS: Record<string, AssetClass> = {
  stk: 'stock', stock: 'stock', stocks: 'stock', equity: 'stock', etf: 'stock', share: 'stock', shares: 'stock',
  fut: 'future', future: 'future', futures: 'future',
  opt: 'option', option: 'option', options: 'option', call: 'option', put: 'option', fop: 'option',
  cash: 'forex', forex: 'forex', fx: 'forex', currency: 'forex',
  crypto: 'crypto', cryptocurrency: 'crypto',
};

/** The asset class a broker's word names (`STK`, `Futures`, `call`…), undefined when it names none. */
export function assetClassOf(word: string): AssetClass | undefined {
  return ASSET_WORDS[word.trim().toLowerCase()];
}
