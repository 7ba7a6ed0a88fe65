/**
 * Writes the result sounds to assets/sounds/ (committed; run again only
 * to change them): `npx tsx scripts/make-sounds.ts`.
 *
 * ok.wav       a rising two-note chime (E6 → B6), short and bright: admit
 * refusal.wav  a low buzz twice (a 196 Hz square-ish tone): a person refused
 * misread.wav  three quick high ticks (A5, pure): the read failed (misread,
 *              a vial at reception, not a ticket): scan again, nobody refused
 * notice.wav   one soft falling tone (G5 → D5): someone known today (already
 *              checked in, vaccinated here today): calm, no buzzer
 *
 * They differ in pitch, rhythm and timbre, so they are told apart even by
 * someone who cannot tell pitches apart.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RATE = 22_050;

type Segment = { readonly seconds: number; readonly sample: (t: number) => number };

const tone = (hz: number, seconds: number, harmonics: readonly number[] = [1]): Segment => ({
  seconds,
  sample: (t) => harmonics.reduce((sum, h, i) => sum + Math.sin(2 * Math.PI * hz * h * t) / (i === 0 ? 1 : h), 0) / harmonics.length,
});
const silence = (seconds: number): Segment => ({ seconds, sample: () => 0 });

/** Short fades at both ends keep the speaker from clicking. */
function envelope(t: number, seconds: number): number {
  const fade = 0.008;
  return Math.min(1, t / fade, (seconds - t) / fade);
}

function wav(segments: readonly Segment[], volume: number): Buffer {
  const samples: number[] = [];
  for (const segment of segments) {
    const n = Math.round(segment.seconds * RATE);
    for (let i = 0; i < n; i++) {
      const t = i / RATE;
      samples.push(segment.sample(t) * envelope(t, segment.seconds) * volume);
    }
  }
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, s)) * 32_767), i * 2));
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

const out = join(import.meta.dirname, '..', 'assets', 'sounds');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'ok.wav'), wav([tone(1318.5, 0.09), silence(0.02), tone(1975.5, 0.16)], 0.6));
writeFileSync(join(out, 'refusal.wav'), wav([tone(196, 0.16, [1, 3, 5, 7]), silence(0.07), tone(196, 0.16, [1, 3, 5, 7])], 0.8));
writeFileSync(join(out, 'misread.wav'), wav([tone(880, 0.035), silence(0.05), tone(880, 0.035), silence(0.05), tone(880, 0.035)], 0.5));
writeFileSync(join(out, 'notice.wav'), wav([tone(784, 0.12, [1, 2]), tone(587.3, 0.2, [1, 2])], 0.35));
console.log(`wrote ok.wav, refusal.wav, misread.wav and notice.wav in ${out}`);
