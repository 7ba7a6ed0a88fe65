import { describe, expect, it } from 'vitest';
import { framePixels, lumaFromPlanes, readableFormat } from './video-frames';

/** An I420 frame whose Y rows are padded to `stride`, Y = 10·row + column; U and V planes after it. */
function i420(width: number, height: number, stride: number): { data: Uint8Array; layout: { offset: number; stride: number }[] } {
  const ySize = stride * height;
  const cStride = Math.ceil(stride / 2);
  const cSize = cStride * Math.ceil(height / 2);
  const data = new Uint8Array(ySize + 2 * cSize).fill(200);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * stride + x] = 10 * y + x;
  return { data, layout: [{ offset: 0, stride }, { offset: ySize, stride: cStride }, { offset: ySize + cSize, stride: cStride }] };
}

describe('camera frames to luminance', () => {
  it('takes the Y plane of a YUV frame row by row, skipping the row padding', () => {
    const { data, layout } = i420(4, 3, 8);
    const luma = lumaFromPlanes(data, 'I420', layout, 4, 3);
    expect(luma?.width).toBe(4);
    expect([...(luma?.data ?? [])]).toEqual([0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]);
  });

  it('reads NV12 the same way (its first plane is Y too)', () => {
    const { data, layout } = i420(4, 2, 4);
    expect([...(lumaFromPlanes(data, 'NV12', layout, 4, 2)?.data ?? [])]).toEqual([0, 1, 2, 3, 10, 11, 12, 13]);
  });

  it('scales a frame wider than the decode width down by nearest neighbour, keeping the aspect', () => {
    const { data, layout } = i420(8, 4, 8);
    const luma = lumaFromPlanes(data, 'I420', layout, 8, 4, 4);
    expect(luma).toMatchObject({ width: 4, height: 2 });
    expect([...(luma?.data ?? [])]).toEqual([0, 2, 4, 6, 20, 22, 24, 26]);
  });

  it('weighs the colour channels of packed formats in their own byte order', () => {
    const red = lumaFromPlanes(new Uint8Array([255, 0, 0, 255]), 'RGBA', [{ offset: 0, stride: 4 }], 1, 1);
    const blueInBgra = lumaFromPlanes(new Uint8Array([255, 0, 0, 255]), 'BGRA', [{ offset: 0, stride: 4 }], 1, 1);
    expect(red?.data[0]).toBe((255 * 77) >> 8);
    expect(blueInBgra?.data[0]).toBe((255 * 29) >> 8);
  });

  it('refuses a format it does not know rather than guessing', () => {
    expect(readableFormat(null)).toBe(false);
    expect(readableFormat('NV12')).toBe(true);
    expect(lumaFromPlanes(new Uint8Array(16), 'P010', [{ offset: 0, stride: 8 }], 4, 2)).toBeNull();
  });

  it('copies a frame into reused scratch memory and hands the decoders its luminance', async () => {
    const { data, layout } = i420(4, 2, 4);
    const asked: (string | undefined)[] = [];
    const frame = (format: string | null) => ({
      format,
      visibleRect: { width: 4, height: 2 },
      allocationSize: (options?: { format?: string }) => (asked.push(options?.format), options?.format === 'RGBA' ? 32 : data.length),
      copyTo: async (destination: Uint8Array, options?: { format?: string }) => {
        if (options?.format === 'RGBA') {
          for (let i = 0; i < 8; i++) destination.set([data[i]!, data[i]!, data[i]!, 255], i * 4);
          return [{ offset: 0, stride: 16 }];
        }
        destination.set(data);
        return layout;
      },
    });
    const scratch: { buffer: Uint8Array | null } = { buffer: null };
    // An opaque frame (format null) is converted by the browser to RGBA…
    const opaque = await framePixels(frame(null), 1280, scratch);
    const first = scratch.buffer;
    // …and a YUV frame, smaller, is copied into the same memory; the same grey comes out of both.
    const pixels = await framePixels(frame('I420'), 1280, scratch);
    expect(pixels).toMatchObject({ width: 4, height: 2 });
    expect(pixels.data[5]).toBe(11);
    expect([...opaque.data]).toEqual([...pixels.data]);
    expect(asked).toEqual(['RGBA', undefined]);
    expect(scratch.buffer).toBe(first);
  });
});
