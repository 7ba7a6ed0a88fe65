import { describe, expect, it } from 'vitest';
import { fillLotForm } from './lot-form';

describe('a scanned pack in the "add a lot" form', () => {
  const typed = { productId: 'PFZ-COMIRNATY', lotNumber: 'FC9999', expiry: '2027-06-30' };

  it('fills what the scan gave', () => {
    expect(fillLotForm({ productId: '', lotNumber: '', expiry: '' }, { productId: 'MOD-SPIKEVAX', lotNumber: 'MS0002', expiry: '2027-12-31' })).toEqual({
      productId: 'MOD-SPIKEVAX',
      lotNumber: 'MS0002',
      expiry: '2027-12-31',
    });
  });

  it('never blanks an expiry (or a lot) the scan did not give: a DataBar read gives the product alone', () => {
    expect(fillLotForm(typed, { productId: 'PFZ-COMIRNATY', lotNumber: null, expiry: null })).toEqual(typed);
    expect(fillLotForm(typed, { productId: null, lotNumber: '  ', expiry: '' })).toEqual(typed);
  });
});
