/** Small formatting helpers for the supervisor's screens. */
import type { Language } from '../../stores/prefs';

/** 420 → 7分00秒 / 7 min 00 s; a median can be fractional, so it is rounded. */
export function formatDuration(seconds: number, language: Language): string {
  const whole = Math.round(seconds);
  const minutes = Math.floor(whole / 60);
  const rest = String(whole % 60).padStart(2, '0');
  return language === 'ja' ? `${minutes}分${rest}秒` : `${minutes} min ${rest} s`;
}

/** A live countdown: 14:59, or -0:05 once the time is up. */
export function formatCountdown(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const total = Math.ceil(Math.abs(ms) / 1000);
  return `${sign}${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

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
