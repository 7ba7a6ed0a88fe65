/**
 * Small helpers for the supervisor's screens: typed times as instants, files
 * as base64. Dates and times shown to staff go through i18n/format.ts.
 */

/** A venue-time date and time typed by a supervisor (YYYY-MM-DD, HH:MM[:SS]) as an instant with the venue's offset. */
export function venueInstant(date: string, time: string): string {
  const withSeconds = /^\d{2}:\d{2}$/.test(time) ? `${time}:00` : time;
  return `${date}T${withSeconds}+09:00`;
}

/** The HH:MM:SS of an instant already written in venue time (+09:00), as the core writes them. */
export function venueClock(instant: string): string {
  return instant.slice(11, 19);
}

/** Base64 (as the core sends files) to bytes, for a Blob. */
export function base64Bytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A file's bytes as base64, to send through the contract (imports). */
export async function fileBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}
