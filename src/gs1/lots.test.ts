import { describe, expect, it } from 'vitest';
import type { LotProduct, VenueLot } from './lots';
import { matchScannedLot } from './lots';
import { parseGs1 } from './parse';
import type { Gs1Scan } from './parse';

const TODAY = '2026-06-01';

// Registered by JAN-13; packs carry the same item as GTIN-14 (01)04987123456784.
const PRODUCTS: LotProduct[] = [
  { id: 'p-other', gtins: ['not-a-gtin', '14987123456781'] },
  { id: 'p1', gtins: ['4987123456784'] },
];
const LOTS: VenueLot[] = [
  { id: 'l1', productId: 'p1', lotNumber: 'AB1234', expiry: '2027-12-31' },
  { id: 'l2', productId: 'p1', lotNumber: ' CD5678 ', expiry: '2026-01-31' },
  { id: 'l3', productId: 'p-other', lotNumber: 'EF9012', expiry: '2027-06-30' },
];

function scan(raw: string): Gs1Scan {
  const result = parseGs1(raw, { today: TODAY });
  if (!result.ok) throw new Error(`test scan did not parse: ${result.code}`);
  return result;
}

function match(raw: string, today = TODAY) {
  return matchScannedLot(scan(raw), PRODUCTS, LOTS, today);
}

describe('matchScannedLot', () => {
  it('matches the docs/domain.md example to the listed lot, comparing JAN-13 and GTIN-14', () => {
    const result = match('01 04987123456784 17 271231 10 AB1234');
    expect(result).toMatchObject({ kind: 'match', lotId: 'l1', productId: 'p1' });
    expect(result.message.ja).toContain('AB1234');
  });

  it('compares lot numbers after trimming, case-sensitively', () => {
    expect(match('(01)04987123456784(17)260630(10)CD5678')).toMatchObject({ kind: 'mismatch', lotId: 'l2' });
    expect(match('(01)04987123456784(17)271231(10)ab1234')).toMatchObject({ kind: 'new-lot', lotNumber: 'ab1234' });
  });

  it('offers a lot that is not in the list yet', () => {
    expect(match('(01)04987123456784(17)270630(10)XY9999')).toMatchObject({
      kind: 'new-lot',
      productId: 'p1',
      lotNumber: 'XY9999',
      expiry: '2027-06-30',
    });
  });

  it('does not take a lot of another product', () => {
    expect(match('(01)04987123456784(17)270630(10)EF9012')).toMatchObject({ kind: 'new-lot', productId: 'p1' });
  });

  it('names a product the venue does not have', () => {
    const result = matchScannedLot(scan('(01)04512345678906(17)271231(10)AB1234'), PRODUCTS, LOTS, TODAY);
    expect(result).toMatchObject({ kind: 'unknown-product', gtin: '04512345678906' });
  });

  it('refuses an expired listed lot', () => {
    expect(match('(01)04987123456784(17)260131(10)CD5678')).toMatchObject({
      kind: 'expired',
      lotId: 'l2',
      productId: 'p1',
      expiry: '2026-01-31',
    });
  });

  it('refuses an expired lot that is not listed, without a lot id', () => {
    const result = match('(01)04987123456784(17)260500(10)ZZ1');
    expect(result).toMatchObject({ kind: 'expired', productId: 'p1', expiry: '2026-05-31' });
    expect(result).not.toHaveProperty('lotId');
    // The date as staff read it elsewhere (src/common/dates.ts), never ISO.
    expect(result.message).toEqual({
      ja: 'このワクチンは有効期限(2026年5月31日)が切れています。使わずに、管理者に伝えてください。',
      en: 'This vaccine expired on 31 May 2026. Do not use it; tell the supervisor.',
    });
  });

  it('trusts the pack in hand when its label says expired, whatever the list says', () => {
    expect(match('(01)04987123456784(17)260101(10)AB1234')).toMatchObject({ kind: 'expired', lotId: 'l1' });
  });

  it('accepts a pack on its expiry date', () => {
    expect(match('(01)04987123456784(17)271231(10)AB1234', '2027-12-31')).toMatchObject({ kind: 'match' });
    expect(match('(01)04987123456784(17)271231(10)AB1234', '2028-01-01')).toMatchObject({ kind: 'expired' });
  });

  it('reports what a DataBar read without its composite part is missing', () => {
    const result = match(']e00104987123456784');
    expect(result).toMatchObject({ kind: 'incomplete', missing: ['lot', 'expiry'], productId: 'p1' });
    expect(result.message.ja).toContain('ロット番号');
  });

  it('reports a composite read without the GTIN as incomplete', () => {
    const result = match('(17)271231(10)AB1234');
    expect(result).toMatchObject({ kind: 'incomplete', missing: ['gtin'] });
    expect(result).not.toHaveProperty('productId');
  });

  it('reports a lot listed with a different expiry than the pack says', () => {
    const result = match('(01)04987123456784(17)280131(10)AB1234');
    expect(result).toMatchObject({
      kind: 'mismatch',
      lotId: 'l1',
      productId: 'p1',
      lotNumber: 'AB1234',
      listedExpiry: '2027-12-31',
      scannedExpiry: '2028-01-31',
    });
    expect(result.message.en).toContain('31 Dec 2027');
    expect(result.message.ja).toContain('2028年1月31日');
  });
});
