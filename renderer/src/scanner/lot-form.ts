/**
 * What a scanned pack fills in the "add a lot" form: only what the scan
 * gave. A camera read of a vial's DataBar gives the product alone (its
 * composite part, lot and expiry, is beyond the decoder), a case's GS1-128
 * often gives no serial: a field the scan did not give keeps what the form
 * held, so a scan with no expiry never blanks an expiry already there.
 */
export interface LotForm {
  readonly productId: string;
  readonly lotNumber: string;
  readonly expiry: string;
}

export interface PackFields {
  readonly productId: string | null;
  readonly lotNumber: string | null;
  readonly expiry: string | null;
}

export function fillLotForm(form: LotForm, scan: PackFields): LotForm {
  return {
    productId: scan.productId || form.productId,
    lotNumber: scan.lotNumber?.trim() || form.lotNumber,
    expiry: scan.expiry || form.expiry,
  };
}
