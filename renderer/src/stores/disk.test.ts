import { describe, expect, it } from 'vitest';
import { diskWarning, toDiskView } from './disk';

describe('the disk warning', () => {
  it('warns supervisors when space runs low, and nobody else', () => {
    const view = toDiskView({ available: true, freeBytes: 300 * 1024 * 1024, low: true, full: false });
    expect(view).toEqual({ freeBytes: 300 * 1024 * 1024, low: true, full: false });
    expect(diskWarning(view, 'supervisor')).toBe('low');
    expect(diskWarning(view, 'nurse')).toBeNull();
  });

  it('tells everyone when the disk is full', () => {
    const view = toDiskView({ available: true, freeBytes: 0, low: true, full: true });
    for (const role of ['reception', 'nurse', 'supervisor'] as const) expect(diskWarning(view, role)).toBe('full');
  });

  it('says nothing where the core has no folder or the answer cannot be read', () => {
    expect(diskWarning(toDiskView({ available: false, freeBytes: null, low: false, full: false }), 'supervisor')).toBeNull();
    expect(diskWarning(toDiskView(null), 'supervisor')).toBeNull();
  });
});
