// The ticket module's public face: the renderer and the server import from here.
export {
  isValidMunicipalityCode,
  isValidMyNumber,
  municipalityCheckDigit,
  myNumberCheckDigit,
} from '../privacy/checkdigits';
export {
  TICKET_ERROR_CODES,
  checkTypedTicketDigits,
  parseTicketCode,
} from './parse';
export type {
  ParsedTicket,
  TicketErrorCode,
  TicketFormat,
  TicketParseError,
  TicketParseOptions,
  TicketParseResult,
  TypedTicketCheck,
  TypedTicketOptions,
  TypedTicketState,
} from './parse';
