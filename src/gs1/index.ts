// The GS1 module's public face: the renderer and the server import from here.
export { gtinCheckDigit, isValidGtin, toGtin14 } from './gtin';
export { GS1_ERROR_CODES, gs1DateToIso, gs1FullYear, parseGs1 } from './parse';
export type { Gs1Element, Gs1Error, Gs1ErrorCode, Gs1ParseOptions, Gs1Result, Gs1Scan } from './parse';
export { matchScannedLot } from './lots';
export type { LotMatch, LotProduct, ScanField, VenueLot } from './lots';
