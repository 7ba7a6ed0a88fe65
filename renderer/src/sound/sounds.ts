/**
 * Six sounds, told apart by ear: a rising two-note chime for "admit", a
 * low double buzz for a person refused, three quick high ticks for a read
 * that failed (scan again: nobody was refused), one soft falling tone for
 * someone already known today (checked in, vaccinated here), three bell
 * strikes (twice) when someone's observation time is up, and the soft tone
 * a step higher when a walk-in request reaches a supervisor. Staff hear the
 * result while looking at the person, not the screen.
 *
 * Each device sets its volume and its tone (standard, higher, lower), so
 * neighbouring desks can be told apart by ear; a tone is the same files
 * played faster or slower, pitch and all.
 */
import alertUrl from '../../../assets/sounds/alert.wav';
import misreadUrl from '../../../assets/sounds/misread.wav';
import noticeUrl from '../../../assets/sounds/notice.wav';
import okUrl from '../../../assets/sounds/ok.wav';
import refusalUrl from '../../../assets/sounds/refusal.wav';
import { usePrefs, type Tone } from '../stores/prefs';

export type SoundName = 'ok' | 'refusal' | 'misread' | 'notice' | 'alert' | 'walkIn';
export const SOUND_NAMES: readonly SoundName[] = ['ok', 'refusal', 'misread', 'notice', 'alert', 'walkIn'];

/** The file of each sound, and how fast it is played (1: as recorded). */
const SOUNDS: Readonly<Record<SoundName, { readonly url: string; readonly rate: number }>> = {
  ok: { url: okUrl, rate: 1 },
  refusal: { url: refusalUrl, rate: 1 },
  misread: { url: misreadUrl, rate: 1 },
  notice: { url: noticeUrl, rate: 1 },
  alert: { url: alertUrl, rate: 1 },
  // Four semitones above the "already known" tone: its own sound, as calm.
  walkIn: { url: noticeUrl, rate: 1.26 },
};

/** Three semitones up or down: apart enough to tell two desks side by side. */
export const TONE_RATES: Readonly<Record<Tone, number>> = { standard: 1, high: 1.19, low: 0.84 };

const COUNTERS: Readonly<Record<SoundName, string>> = {
  ok: 'soundOk',
  refusal: 'soundRefusal',
  misread: 'soundMisread',
  notice: 'soundNotice',
  alert: 'soundAlert',
  walkIn: 'soundWalkIn',
};
const players = new Map<SoundName, HTMLAudioElement>();

function player(name: SoundName): HTMLAudioElement {
  let audio = players.get(name);
  if (!audio) {
    audio = new Audio(SOUNDS[name].url);
    audio.preload = 'auto';
    // A tone is a change of speed that changes the pitch too.
    audio.preservesPitch = false;
    players.set(name, audio);
  }
  return audio;
}

/** Counts plays per sound on <html data-sound-…>, a stable hook for tests. */
function count(name: SoundName): void {
  const attribute = COUNTERS[name];
  const root = document.documentElement;
  root.dataset[attribute] = String(Number(root.dataset[attribute] ?? '0') + 1);
}

function play(name: SoundName): void {
  const { volume, tone } = usePrefs.getState();
  count(name);
  const audio = player(name);
  audio.volume = volume;
  audio.playbackRate = SOUNDS[name].rate * TONE_RATES[tone];
  audio.currentTime = 0;
  // Autoplay rules may refuse before the first tap; the card still says it all.
  void audio.play().catch(() => undefined);
}

export function playSound(name: SoundName): void {
  if (usePrefs.getState().sound) play(name);
}

/** Settings' test button: the sound at this device's volume and tone, even with result sounds off. */
export function testSound(name: SoundName): void {
  play(name);
}

/** Loads the files early so the first result is heard at once. */
export function preloadSounds(): void {
  for (const name of SOUND_NAMES) player(name);
}
