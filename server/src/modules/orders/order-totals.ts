/**
 * Money arithmetic for orders, in integer minor units. Totals are bigint because a thousand lines of
 * large quantities at large prices can pass 2^53; line inputs are ordinary integers.
 */

export type OrderKind = 'SALE' | 'RETURN';
export type LineKind = 'PRODUCT' | 'SHIPPING' | 'FEE' | 'ADJUSTMENT';

export interface LineAmounts {
  /** Negative for goods coming back; never zero. */
  quantity: number;
  unitPrice: number;
  /** Positive discount on the whole line. */
  discount: number;
  kind?: LineKind;
}

export interface OrderTotals {
  kind: OrderKind;
  /** Σ quantity × unitPrice, signed. */
  subtotal: bigint;
  /** Line discounts (signed like their line) plus the order-level discount (signed like the order). */
  discountTotal: bigint;
  /** subtotal − discountTotal: what changed hands, negative for a return. */
  total: bigint;
  /** Σ |quantity| over PRODUCT lines. */
  itemCount: number;
  lineTotals: bigint[];
}

/** Gross value of a line before its discount, always ≥ 0. */
export function lineGross(line: Pick<LineAmounts, 'quantity' | 'unitPrice'>): bigint {
  return BigInt(Math.abs(line.quantity)) * BigInt(line.unitPrice);
}

/**
 * quantity × unitPrice − discount for a bought line; for a returned line the discount shrinks the refund:
 * −(|quantity| × unitPrice − discount).
 */
export function lineTotal(line: LineAmounts): bigint {
  const net = lineGross(line) - BigInt(line.discount);
  return line.quantity < 0 ? -net : net;
}

/** An order whose every line is negative is a return; anything else (mixed lines: an exchange) is a sale. */
export function orderKind(lines: Pick<LineAmounts, 'quantity'>[]): OrderKind {
  return lines.length > 0 && lines.every((line) => line.quantity < 0) ? 'RETURN' : 'SALE';
}

/**
 * The largest order-level discount the order can carry: the value of its lines after their own
 * discounts (for a return, the refund the discount reduces).
 */
export function maxOrderDiscount(lines: LineAmounts[]): bigint {
  const sum = lines.reduce((total, line) => total + lineTotal(line), 0n);
  return orderKind(lines) === 'RETURN' ? -sum : sum > 0n ? sum : 0n;
}

export function orderTotals(lines: LineAmounts[], orderDiscount = 0): OrderTotals {
  const kind = orderKind(lines);
  let subtotal = 0n;
  let discountTotal = 0n;
  let itemCount = 0;
  const lineTotals: bigint[] = [];
  for (const line of lines) {
    const sign = line.quantity < 0 ? -1n : 1n;
    subtotal += BigInt(line.quantity) * BigInt(line.unitPrice);
    discountTotal += sign * BigInt(line.discount);
    lineTotals.push(lineTotal(line));
    if ((line.kind ?? 'PRODUCT') === 'PRODUCT') itemCount += Math.abs(line.quantity);
  }
  // On a return the order discount the customer got back then is not refunded: it moves the total towards 0.
  discountTotal += (kind === 'RETURN' ? -1n : 1n) * BigInt(orderDiscount);
  return { kind, subtotal, discountTotal, total: subtotal - discountTotal, itemCount, lineTotals };
}
