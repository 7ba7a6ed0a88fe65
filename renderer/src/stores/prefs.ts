/**
 * This device's display and scanning preferences. They hold nothing
 * personal, so they live in localStorage and survive a restart.
 */
import { create } from 'zustand';
import { DEFAULT_BURST, MAX_BURST_GAP_MS, MAX_SPLIT_GAP_MS, type BurstOptions } from '../scanner/handheld';

export type Language = 'ja' | 'en';
/** How this desk reads codes: both ways, the handheld only (camera off), or the camera only. */
export type ScannerMode = 'both' | 'handheld' | 'camera';
/** This desk's sounds, a little higher or lower than the next desk's. */
export type Tone = 'standard' | 'high' | 'low';
export const TONES: readonly Tone[] = ['standard', 'high', 'low'];

export interface Prefs {
  readonly language: Language;
  /** A camera's deviceId, or '' for automatic (rear camera first). */
  readonly cameraId: string;
  readonly scannerMode: ScannerMode;
  readonly sound: boolean;
  /** 0 (silent) to 1 (as loud as the device plays). */
  readonly volume: number;
  readonly tone: Tone;
  /** The handheld scanner's timing as this desk's test scan measured it (null: the defaults). */
  readonly burst: BurstOptions | null;
}

const KEY = 'venue-prefs-v1';
const DEFAULTS: Prefs = { language: 'ja', cameraId: '', scannerMode: 'both', sound: true, volume: 1, tone: 'standard', burst: null };

function volumeOf(saved: unknown): number {
  return typeof saved === 'number' && saved >= 0 && saved <= 1 ? saved : DEFAULTS.volume;
}

/** A saved burst timing, only within the bounds a test scan can set. */
function burstOf(saved: unknown): BurstOptions | null {
  if (!saved || typeof saved !== 'object') return null;
  const { maxGapMs, splitGapMs } = saved as Partial<BurstOptions>;
  if (typeof maxGapMs !== 'number' || typeof splitGapMs !== 'number') return null;
  if (!(maxGapMs > 0 && maxGapMs <= MAX_BURST_GAP_MS && splitGapMs > 0 && splitGapMs <= MAX_SPLIT_GAP_MS)) return null;
  return { ...DEFAULT_BURST, maxGapMs, splitGapMs };
}

function load(): Prefs {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return DEFAULTS;
    const saved = JSON.parse(raw) as Partial<Prefs>;
    return {
      language: saved.language === 'en' ? 'en' : 'ja',
      cameraId: typeof saved.cameraId === 'string' ? saved.cameraId : '',
      scannerMode: saved.scannerMode === 'handheld' || saved.scannerMode === 'camera' ? saved.scannerMode : 'both',
      sound: saved.sound !== false,
      volume: volumeOf(saved.volume),
      tone: TONES.find((t) => t === saved.tone) ?? 'standard',
      burst: burstOf(saved.burst),
    };
  } catch {
    return DEFAULTS;
  }
}

interface PrefsStore extends Prefs {
  set(patch: Partial<Prefs>): void;
  toggleLanguage(): void;
}

export const usePrefs = create<PrefsStore>((set, get) => ({
  ...load(),
  set(patch) {
    set(patch);
    const { language, cameraId, scannerMode, sound, volume, tone, burst } = get();
    try {
      localStorage.setItem(KEY, JSON.stringify({ language, cameraId, scannerMode, sound, volume, tone, burst }));
    } catch {
      // Storage may be full or blocked; the preference still applies until reload.
    }
  },
  toggleLanguage() {
    get().set({ language: get().language === 'ja' ? 'en' : 'ja' });
  },
}));
