/**
 * Five sounds, told apart by ear: a rising two-note chime for "admit", a
 * low double buzz for a person refused, three quick high ticks for a read
 * that failed (scan again: nobody was refused), one soft falling tone for
 * someone already known today (checked in, vaccinated here), and three bell
 * strikes (twice) when someone's observation time is up. Staff hear the
 * result while looking at the person, not the screen.
 */
import alertUrl from '../../../assets/sounds/alert.wav';
import misreadUrl from '../../../assets/sounds/misread.wav';
import noticeUrl from '../../../assets/sounds/notice.wav';
import okUrl from '../../../assets/sounds/ok.wav';
import refusalUrl from '../../../assets/sounds/refusal.wav';
import { usePrefs } from '../stores/prefs';

export type SoundName = 'ok' | 'refusal' | 'misread' | 'notice' | 'alert';

const URLS: Readonly<Record<SoundName, string>> = { ok: okUrl, refusal: refusalUrl, misread: misreadUrl, notice: noticeUrl, alert: alertUrl };
const COUNTERS: Readonly<Record<SoundName, string>> = {
  ok: 'soundOk',
  refusal: 'soundRefusal',
  misread: 'soundMisread',
  notice: 'soundNotice',
  alert: 'soundAlert',
};
const players = new Map<SoundName, HTMLAudioElement>();

function player(name: SoundName): HTMLAudioElement {
  let audio = players.get(name);
  if (!audio) {
    audio = new Audio(URLS[name]);
    audio.preload = 'auto';
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

export function playSound(name: SoundName): void {
  if (!usePrefs.getState().sound) return;
  count(name);
  const audio = player(name);
  audio.currentTime = 0;
  // Autoplay rules may refuse before the first tap; the card still says it all.
  void audio.play().catch(() => undefined);
}

/** Loads the files early so the first result is heard at once. */
export function preloadSounds(): void {
  for (const name of Object.keys(URLS) as SoundName[]) player(name);
}
