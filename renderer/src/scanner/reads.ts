/**
 * What a read is, decided on the page by the parsers in src/ before anything
 * is sent to the core. A read that is not certainly a ticket (a misread, a
 * vaccine pack, an individual number) never leaves the page: only the
 * canonical ticket digits do, so nothing else a scanner picked up goes over
 * the wire or into a log.
 */
import type { StaffText } from '../../../src/common/messages';
import { parseGs1 } from '../../../src/gs1';
import { parseTicketCode, type ParsedTicket, type TicketErrorCode } from '../../../src/ticket';

export type TicketRead =
  | { readonly kind: 'ticket'; readonly ticket: ParsedTicket; readonly canonical: string }
  | { readonly kind: 'error'; readonly code: TicketErrorCode; readonly message: StaffText };

/** What scanTicket is sent: the 18 digits, or the 10 of an NW-7 read (the core adds its municipality). */
export function canonicalTicketCode(ticket: ParsedTicket): string {
  return ticket.format === 'line18' ? `${ticket.kind ?? ''}${ticket.dose ?? ''}${ticket.municipality}${ticket.number}` : ticket.number;
}

export function readTicket(raw: string, defaultMunicipality: string | null | undefined): TicketRead {
  const parsed = parseTicketCode(raw, { defaultMunicipality: defaultMunicipality ?? undefined });
  if (!parsed.ok) return { kind: 'error', code: parsed.code, message: parsed.message };
  return { kind: 'ticket', ticket: parsed, canonical: canonicalTicketCode(parsed) };
}

export type PackRead =
  | { readonly kind: 'pack'; readonly code: string; readonly lot: string | null; readonly expiry: string | null; readonly gtin: string | null }
  | { readonly kind: 'error'; readonly code: string; readonly message: StaffText };

/** A vial or box: only a GS1 element string that parses is sent on (scanLot parses it again in the core). */
export function readPack(raw: string, today: string): PackRead {
  const parsed = parseGs1(raw, { today });
  if (!parsed.ok) return { kind: 'error', code: parsed.code, message: parsed.message };
  return { kind: 'pack', code: raw.trim(), lot: parsed.lot, expiry: parsed.expiry, gtin: parsed.gtin };
}

export type AnyRead = TicketRead | PackRead;

/** At the vaccination booth both come: a ticket (which person) or a vial (which lot). */
export function readTicketOrPack(raw: string, defaultMunicipality: string | null | undefined, today: string): AnyRead {
  const ticket = readTicket(raw, defaultMunicipality);
  if (ticket.kind === 'ticket') return ticket;
  if (ticket.code === 'VACCINE_PACK' || ticket.code === 'PRODUCT_BARCODE') {
    return readPack(raw, today);
  }
  return ticket;
}
