// Which column of an unknown CSV holds which field: common header spellings, or the caller's explicit mapping.
import { unexcel } from '../cells';
import type { ColumnMapping, GenericField } from '../import-types';

/** `asset_class` is recognised from headers only (it is not part of a mapping). */
export type ColumnField = GenericField | 'asset_class';
export type ColumnPositions = Partial<Record<ColumnField, number>>;

export interface GenericColumns {
  kind: 'fills' | 'closed_trades';
  at: ColumnPositions;
  /** The P&L column's header, which says whether fees are already out of it (`Net P&L`). */
  pnlHeader: string;
}

/** Lower-case letters and digits only: `Fill Price` → fillprice, `Net P&L` → netpl, `exec_time` → exectime. */
export const normalizeHeader = (text: string): string => unexcel(text).toLowerCase().replace(/[^a-z0-9]/g, '');

// Spellings in order of preference: a filled quantity beats an ordered one, a fill price beats a limit price.
const ALIASES: Record<ColumnField, readonly string[]> = {
  account: ['account', 'accountid', 'accountname', 'accountnumber', 'acct', 'acctid', 'clientaccountid'],
  symbol: ['symbol', 'ticker', 'instrument', 'contract', 'contractname', 'tickersymbol', 'instrumentname', 'security'],
  side: ['side', 'action', 'bs', 'buysell', 'buyorsell', 'tradeside', 'transactiontype', 'direction'],
  quantity: ['filledqty', 'filledquantity', 'qtyfilled', 'quantityfilled', 'fillqty', 'fillquantity', 'filled', 'execqty', 'executedqty', 'qty', 'quantity', 'shares', 'size', 'contracts', 'lots', 'units'],
  price: ['avgfillprice', 'fillprice', 'filledprice', 'executionprice', 'execprice', 'executedprice', 'executeprice', 'avgprice', 'averageprice', 'tradeprice', 'dealprice', 'price'],
  time: ['filledat', 'filltime', 'filledtime', 'executedat', 'exectime', 'executiontime', 'tradetime', 'transactiontime', 'datetime', 'dateandtime', 'timestamp', 'time'],
  date: ['date', 'tradedate', 'execdate', 'executiondate', 'filldate', 'transactiondate'],
  fees: ['fees', 'fee', 'totalfees', 'totalfee', 'feescomm', 'feescommissions', 'commissionsfees', 'commfee', 'commissionandfees'],
  commission: ['commission', 'commissions', 'comm', 'brokercommission'],
  multiplier: ['multiplier', 'pointvalue', 'bigpointvalue', 'contractmultiplier', 'contractsize', 'mult'],
  execution_id: ['executionid', 'execid', 'fillid', 'tradeid', 'dealid', 'transactionid', 'tradenumber', 'id'],
  order_id: ['orderid', 'ordernumber', 'orderno', 'order'],
  currency: ['currency', 'ccy', 'currencyprimary', 'curr'],
  status: ['status', 'orderstatus', 'fillstatus', 'state'],
  asset_class: ['assetclass', 'assettype', 'assetcategory', 'sectype', 'securitytype', 'instrumenttype', 'type'],
  position_type: ['positiontype', 'direction', 'side', 'longshort', 'marketpos', 'position', 'tradetype', 'tradedirection'],
  entry_time: ['entrytime', 'entrydatetime', 'entrydate', 'entrytimestamp', 'opentime', 'opendatetime', 'opendate', 'openedat', 'opened', 'entered', 'timeopened'],
  exit_time: ['exittime', 'exitdatetime', 'exitdate', 'exittimestamp', 'closetime', 'closedatetime', 'closedate', 'closedat', 'closed', 'exited', 'timeclosed'],
  entry_price: ['entryprice', 'avgentryprice', 'averageentryprice', 'avgentry', 'openprice', 'priceopen', 'entry'],
  exit_price: ['exitprice', 'avgexitprice', 'averageexitprice', 'avgexit', 'closeprice', 'priceclose', 'exit'],
  pnl: ['netpnl', 'netpl', 'netprofit', 'netprofitloss', 'pnl', 'pl', 'profitloss', 'profit', 'realizedpnl', 'realizedpl', 'realizedprofitloss', 'gainloss', 'grosspnl', 'grosspl'],
};

interface Requirement {
  label: string;
  anyOf: readonly ColumnField[];
}
const FILLS: readonly Requirement[] = [
  { label: 'symbol', anyOf: ['symbol'] },
  { label: 'quantity', anyOf: ['quantity'] },
  { label: 'price', anyOf: ['price'] },
  { label: 'time (or date)', anyOf: ['time', 'date'] },
];
const CLOSED: readonly Requirement[] = [
  { label: 'symbol', anyOf: ['symbol'] },
  { label: 'side (long/short)', anyOf: ['position_type'] },
  { label: 'entry time', anyOf: ['entry_time'] },
  { label: 'exit time', anyOf: ['exit_time'] },
  { label: 'pnl', anyOf: ['pnl'] },
];
const CLOSED_ONLY: readonly GenericField[] = ['position_type', 'entry_time', 'exit_time', 'entry_price', 'exit_price', 'pnl'];
const FILLS_ONLY: readonly GenericField[] = ['side', 'price', 'time', 'date', 'status', 'order_id'];

function positionsOf(cells: readonly string[], mapping: ColumnMapping): { at: ColumnPositions; headers: string[]; unmapped: Map<ColumnField, string> } {
  const index = new Map<string, number>();
  const headers = cells.map((cell) => unexcel(cell));
  cells.forEach((cell, position) => {
    const key = normalizeHeader(cell);
    if (key !== '' && !index.has(key)) index.set(key, position);
  });
  const at: ColumnPositions = {};
  // A mapped header the file lacks is reported by its mapping, not again by its field's requirement.
  const unmapped = new Map<ColumnField, string>();
  for (const field of Object.keys(ALIASES) as ColumnField[]) {
    const mapped = field === 'asset_class' ? undefined : mapping[field];
    if (mapped !== undefined) {
      const position = index.get(normalizeHeader(mapped));
      if (position === undefined) unmapped.set(field, `${field} ("${mapped}")`);
      else at[field] = position;
      continue;
    }
    const name = ALIASES[field].find((alias) => index.has(alias));
    if (name !== undefined) at[field] = index.get(name)!;
  }
  return { at, headers, unmapped };
}

const missingOf = (at: ColumnPositions, unmapped: ReadonlyMap<ColumnField, string>, requirements: readonly Requirement[]) => [
  ...unmapped.values(),
  ...requirements
    .filter((requirement) => requirement.anyOf.every((field) => at[field] === undefined && !unmapped.has(field)))
    .map((requirement) => requirement.label),
];

/**
 * Reads a header record: closed trades when their columns are there (they name entry and exit times), else fills.
 * A mapping that names a field only one kind has decides the kind. `missing` lists what neither kind found.
 */
export function resolveColumns(cells: readonly string[], mapping: ColumnMapping = {}): { columns: GenericColumns } | { missing: string[] } {
  const { at, headers, unmapped } = positionsOf(cells, mapping);
  const mapped = Object.keys(mapping) as GenericField[];
  const forcedClosed = mapped.some((field) => CLOSED_ONLY.includes(field));
  const forcedFills = !forcedClosed && mapped.some((field) => FILLS_ONLY.includes(field));
  const closedMissing = missingOf(at, unmapped, CLOSED);
  const fillsMissing = missingOf(at, unmapped, FILLS);
  const pnlHeader = at.pnl === undefined ? '' : (headers[at.pnl] ?? '');
  if (!forcedFills && closedMissing.length === 0) return { columns: { kind: 'closed_trades', at, pnlHeader } };
  if (!forcedClosed && fillsMissing.length === 0) return { columns: { kind: 'fills', at, pnlHeader } };
  if (forcedClosed) return { missing: closedMissing };
  if (forcedFills) return { missing: fillsMissing };
  return { missing: closedMissing.length < fillsMissing.length ? closedMissing : fillsMissing };
}
