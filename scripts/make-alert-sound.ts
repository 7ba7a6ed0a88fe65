/**
 * Writes the third sound, assets/sounds/alert.wav (committed; run again only
 * to change it): `npx tsx scripts/make-alert-sound.ts`.
 *
 * alert.wav  three bell-like strikes, high-low-high (A5 · E5 · A5), repeated
 *            once after a pause: someone's observation time is up.
 *
 * It is told apart from the other two by its rhythm (three strikes, twice)
 * and its decaying bell timbre, not only by pitch: ok.wav is two quick
 * rising notes, refusal.wav a low buzz twice. Same format as
 * scripts/make-sounds.ts (22.05 kHz, 16-bit mono PCM).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RATE = 22_050;

/** A struck bell: the fundamental with a few inharmonic partials, decaying fast. */
function strike(hz: number, seconds: number): number[] {
  const partials: readonly [number, number][] = [
    [1, 1],
    [2.76, 0.45],
    [5.4, 0.2],
  ];
  const n = Math.round(seconds * RATE);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    const attack = Math.min(1, t / 0.004);
    const decay = Math.exp(-t * 7);
    const tail = Math.min(1, (seconds - t) / 0.01);
    const tone = partials.reduce((sum, [ratio, gain]) => sum + gain * Math.sin(2 * Math.PI * hz * ratio * t), 0) / 1.65;
    samples.push(tone * attack * decay * tail);
  }
  return samples;
}

const silence = (seconds: number): number[] => new Array<number>(Math.round(seconds * RATE)).fill(0);

function wav(samples: readonly number[], volume: number): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, s * volume)) * 32_767), i * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

const phrase = [...strike(880, 0.22), ...strike(659.25, 0.22), ...strike(880, 0.34)];
const out = join(import.meta.dirname, '..', 'assets', 'sounds');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'alert.wav'), wav([...phrase, ...silence(0.25), ...phrase], 0.8));
console.log(`wrote ${join(out, 'alert.wav')}`);
