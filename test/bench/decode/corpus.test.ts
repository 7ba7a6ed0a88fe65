import { beforeAll, describe, expect, it } from 'vitest';
import { corpusSpecs, renderSample, smallPxPerModule, type SampleSpec } from './corpus';
import { loadZxingWasm } from './engines';
import { hashFrame } from './image';
import { createSetup } from './pipeline';
import { WASM_DEFAULT, WORKER } from './setups';

const spec = (id: string): SampleSpec => {
  const found = corpusSpecs({ perSeverity: 1 }).find((s) => s.id === id);
  if (!found) throw new Error(`no spec ${id}`);
  return found;
};

describe('the corpus', () => {
  beforeAll(async () => {
    await loadZxingWasm();
  });

  it('is the same picture for the same seed, and another for another seed', () => {
    const a = spec('1280x720/qr/perspective/2/0');
    expect(hashFrame(renderSample(a).frame)).toBe(hashFrame(renderSample(a).frame));
    expect(corpusSpecs({ perSeverity: 1 })).toEqual(corpusSpecs({ perSeverity: 1 }));
    const other = corpusSpecs({ perSeverity: 1, seed: 2 }).find((s) => s.id === a.id)!;
    expect(hashFrame(renderSample(other).frame)).not.toBe(hashFrame(renderSample(a).frame));
  });

  it('lists every symbology × class × severity × resolution, with the clean class three times over', () => {
    const specs = corpusSpecs({ perSeverity: 2, empty: 1 });
    // Per resolution and symbology: clean 6, seven classes × 3 levels × 2, small 4 × 2.
    expect(specs.filter((s) => s.symbology !== null)).toHaveLength(2 * 3 * (6 + 7 * 3 * 2 + 4 * 2));
    expect(specs.filter((s) => s.symbology === null)).toHaveLength(2);
  });

  it('models the small code of the issue: a 10 mm QR at 40 cm on a 720p camera is about 1.2 px per module', () => {
    expect(smallPxPerModule(400)).toBeCloseTo(1.2, 1);
    expect(smallPxPerModule(400) * 21).toBeGreaterThan(22);
    expect(smallPxPerModule(400) * 21).toBeLessThan(28);
  });

  it('is readable when clean and really harder when distorted past the bench’s worst levels', async () => {
    const decoder = await createSetup(WASM_DEFAULT);
    const read = async (s: SampleSpec) => {
      const sample = renderSample(s);
      return (await decoder.decode(sample.frame)).some((c) => c.text === sample.expected);
    };
    for (const id of ['1280x720/qr/clean/0/0', '1280x720/nw7/clean/0/0', '640x480/gs1dm/clean/0/0']) expect(await read(spec(id))).toBe(true);
    // The same frames (same seeds), pushed beyond the corpus levels.
    expect(await read({ ...spec('1280x720/qr/blur/2/0'), level: 6 })).toBe(false);
    expect(await read({ ...spec('1280x720/qr/small/3/0'), level: 0.7 })).toBe(false);
    expect(await read({ ...spec('1280x720/gs1dm/noise/2/0'), level: 90 })).toBe(false);
    expect(await read({ ...spec('1280x720/nw7/contrast/2/0'), level: 0.03 })).toBe(false);
  });

  it('has no code in its empty frames for any setup to find', async () => {
    const empty = corpusSpecs({ perSeverity: 1, empty: 2, symbologies: [] });
    const decoder = await createSetup(WORKER);
    for (const s of empty) expect(await decoder.decode(renderSample(s).frame)).toEqual([]);
  });
});
