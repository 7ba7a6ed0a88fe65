/**
 * Writes a few corpus frames as PNG files, to look at what the decoders are
 * given: `npx tsx test/bench/decode/preview.ts [dir] [filter]`, e.g.
 * `… /tmp/corpus 1280x720/nw7/crease`. Each class at its mildest and worst.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { corpusSpecs, renderSample } from './corpus';
import type { Frame } from './image';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const body = Buffer.concat([head.subarray(4), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([head.subarray(0, 4), body, crc]);
}

/** An 8-bit greyscale PNG of the (grey) frame. */
export function framePng(frame: Frame): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(frame.width, 0);
  ihdr.writeUInt32BE(frame.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((frame.width + 1) * frame.height);
  for (let y = 0; y < frame.height; y++) {
    for (let x = 0; x < frame.width; x++) raw[y * (frame.width + 1) + 1 + x] = frame.data[y * frame.width + x]!;
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array())]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? 'test-results/decode-corpus';
  const filter = process.argv[3] ?? '';
  mkdirSync(dir, { recursive: true });
  const specs = corpusSpecs({ perSeverity: 1, empty: 1 }).filter((s) => s.id.includes(filter) && (s.id.endsWith('/0') || filter !== ''));
  for (const spec of specs) {
    const sample = renderSample(spec);
    writeFileSync(join(dir, `${spec.id.replaceAll('/', '_')}.png`), framePng(sample.frame));
  }
  console.log(`wrote ${specs.length} frames to ${dir}`);
}
