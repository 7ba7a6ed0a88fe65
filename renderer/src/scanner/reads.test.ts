import { describe, expect, it } from 'vitest';
import { canonicalTicketCode, readPack, readTicket, readTicketOrPack } from './reads';

const TODAY = '2026-11-23';

describe('what a read is, decided on the page', () => {
  it('sends the 18 digits of a QR or line read, whatever came around them', () => {
    const read = readTicket(']Q1111310160000100001\r\n', '131016');
    expect(read).toMatchObject({ kind: 'ticket', canonical: '111310160000100001' });
  });

  it('sends only the 10 digits of an NW-7 read; the core completes them', () => {
    const read = readTicket('A0000100003A', '131016');
    expect(read.kind === 'ticket' && read.ticket.municipality).toBe('131016');
    expect(read.kind === 'ticket' && canonicalTicketCode(read.ticket)).toBe('0000100003');
  });

  it('refuses a misread municipality code, and says so without the digits', () => {
    const read = readTicket('111310170000100001', '131016');
    expect(read).toMatchObject({ kind: 'error', code: 'BAD_CHECK_DIGIT' });
  });

  it('refuses an individual number and never repeats it', () => {
    // 12 digits with a valid check digit (see docs/domain.md).
    const number = '123456789018';
    const read = readTicket(number, '131016');
    expect(read.kind).toBe('error');
    expect(read.kind === 'error' && read.code).toBe('INDIVIDUAL_NUMBER');
    expect(JSON.stringify(read)).not.toContain(number);
  });

  it('routes a vial read to the lot and a ticket read to the person at the booth', () => {
    expect(readTicketOrPack(']d201049871234567841727123110FA1234', '131016', TODAY)).toMatchObject({ kind: 'pack', lot: 'FA1234', expiry: '2027-12-31' });
    expect(readTicketOrPack('111310160000100001', '131016', TODAY)).toMatchObject({ kind: 'ticket' });
  });

  it('does not send a pack read that is not a GS1 element string', () => {
    expect(readPack('hello', TODAY).kind).toBe('error');
  });
});
