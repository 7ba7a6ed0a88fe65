/**
 * Matching a scanned vaccine pack against the venue's products and lots, so
 * the nurse records the lot that is really in hand instead of typing it.
 * Anything short of a clean match is said plainly; the UI always lets staff
 * pick from the venue's lot list instead (docs/domain.md: camera decoders may miss
 * the composite part that carries lot and expiry).
 */
import type { StaffText } from '../common/messages';
import { text } from '../common/messages';
import { dateText } from '../common/dates';
import { toGtin14 } from './gtin';
import type { Gs1Scan } from './parse';

export interface LotProduct {
  readonly id: string;
  /** JAN-13 or GTIN-14 as registered; compared as GTIN-14. */
  readonly gtins: readonly string[];
}

export interface VenueLot {
  readonly id: string;
  readonly productId: string;
  readonly lotNumber: string;
  /** YYYY-MM-DD */
  readonly expiry: string;
}

export type ScanField = 'gtin' | 'lot' | 'expiry';

export type LotMatch =
  | { kind: 'match'; lotId: string; productId: string; message: StaffText }
  | { kind: 'new-lot'; productId: string; lotNumber: string; expiry: string; message: StaffText }
  | { kind: 'unknown-product'; gtin: string; message: StaffText }
  | { kind: 'expired'; lotId?: string; productId: string; expiry: string; message: StaffText }
  | { kind: 'incomplete'; missing: ScanField[]; productId?: string; message: StaffText }
  | {
      kind: 'mismatch';
      lotId: string;
      productId: string;
      lotNumber: string;
      /** What the venue's lot list says. */
      listedExpiry: string;
      /** What the pack's barcode says. */
      scannedExpiry: string;
      message: StaffText;
    };

/** 2027-12-31 → 2027年12月31日: how staff read dates on a Japanese screen. */

const FIELD_NAMES: Record<ScanField, StaffText> = {
  gtin: text('商品コード', 'product code'),
  lot: text('ロット番号', 'lot number'),
  expiry: text('有効期限', 'expiry date'),
};

function findProduct(gtin14: string, products: readonly LotProduct[]): LotProduct | undefined {
  return products.find((p) => p.gtins.some((g) => toGtin14(g.trim()) === gtin14));
}

function incomplete(missing: ScanField[], productId: string | undefined): LotMatch {
  const ja = missing.map((f) => FIELD_NAMES[f].ja).join('・');
  const en = missing.map((f) => FIELD_NAMES[f].en).join(', ');
  const message = text(
    `バーコードから${ja}が読み取れませんでした。ロット一覧から選んでください。`,
    `The barcode did not give the ${en}. Pick the lot from the list.`,
  );
  return productId === undefined
    ? { kind: 'incomplete', missing, message }
    : { kind: 'incomplete', missing, productId, message };
}

function expired(productId: string, expiry: string, lotId: string | undefined): LotMatch {
  const message = text(
    `このワクチンは有効期限(${dateText(expiry).ja})が切れています。使わずに、管理者に伝えてください。`,
    `This vaccine expired on ${dateText(expiry).en}. Do not use it; tell the supervisor.`,
  );
  return lotId === undefined
    ? { kind: 'expired', productId, expiry, message }
    : { kind: 'expired', lotId, productId, expiry, message };
}

/**
 * Decides what a scanned pack is for this venue. `today` is the venue's date
 * (YYYY-MM-DD); a pack is usable through its expiry date.
 */
export function matchScannedLot(
  scan: Pick<Gs1Scan, 'gtin' | 'lot' | 'expiry'>,
  products: readonly LotProduct[],
  lots: readonly VenueLot[],
  today: string,
): LotMatch {
  const gtin = scan.gtin === null ? null : toGtin14(scan.gtin);
  const lotNumber = scan.lot?.trim() || null;
  const expiry = scan.expiry;

  // An unknown product is said first: picking from the list cannot fix that.
  const product = gtin === null ? undefined : findProduct(gtin, products);
  if (gtin !== null && !product) {
    return {
      kind: 'unknown-product',
      gtin,
      message: text(
        'このワクチンの商品コードは会場の一覧にありません。箱を確かめ、管理者に伝えてください。',
        "This vaccine's product code is not in the venue's list. Check the pack and tell the supervisor.",
      ),
    };
  }

  const listed =
    product && lotNumber !== null
      ? lots.filter((l) => l.productId === product.id && l.lotNumber.trim() === lotNumber)
      : [];
  // The pack in hand is expired by its own label, whatever the list says.
  if (product && expiry !== null && expiry < today) {
    const same = listed.find((l) => l.expiry === expiry) ?? listed[0];
    return expired(product.id, expiry, same?.id);
  }

  const missing: ScanField[] = [];
  if (!product) missing.push('gtin');
  if (lotNumber === null) missing.push('lot');
  if (expiry === null) missing.push('expiry');
  if (!product || lotNumber === null || expiry === null) return incomplete(missing, product?.id);

  const exact = listed.find((l) => l.expiry === expiry);
  if (exact) {
    return {
      kind: 'match',
      lotId: exact.id,
      productId: product.id,
      message: text(
        `ロット ${lotNumber}(有効期限 ${dateText(expiry).ja})です。`,
        `Lot ${lotNumber} (expires ${dateText(expiry).en}).`,
      ),
    };
  }
  const other = listed[0];
  if (other) {
    // Same lot, different expiry: one of the two is wrong, and only a person can tell which.
    return {
      kind: 'mismatch',
      lotId: other.id,
      productId: product.id,
      lotNumber,
      listedExpiry: other.expiry,
      scannedExpiry: expiry,
      message: text(
        `ロット ${lotNumber} の有効期限が、一覧(${dateText(other.expiry).ja})と箱のバーコード(${dateText(expiry).ja})で違います。箱の表示を確かめ、管理者に伝えてください。`,
        `Lot ${lotNumber} expires ${dateText(other.expiry).en} in the list but ${dateText(expiry).en} on the pack's barcode. Check the printed label and tell the supervisor.`,
      ),
    };
  }
  return {
    kind: 'new-lot',
    productId: product.id,
    lotNumber,
    expiry,
    message: text(
      `ロット ${lotNumber}(有効期限 ${dateText(expiry).ja})は会場のロット一覧にまだありません。一覧に追加してよいか確かめてください。`,
      `Lot ${lotNumber} (expires ${dateText(expiry).en}) is not in the venue's lot list yet. Check whether to add it.`,
    ),
  };
}
