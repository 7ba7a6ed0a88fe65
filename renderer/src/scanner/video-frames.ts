/**
 * Camera frames as the decode worker reads them: a VideoFrame from the
 * camera track (MediaStreamTrackProcessor, its stream handed to the worker),
 * copied out as its luminance plane and closed at once.
 *
 * Why not createImageBitmap(video): measured in Chromium 156 with the fake
 * camera, reading every frame back that way grows the renderer's shared
 * memory by about 450 MB within 30 s and keeps it (the bitmaps' buffers are
 * pooled by Chromium, not freed on close()), while copying each VideoFrame
 * out keeps it flat at 4 MB. A barcode reader needs only the luminance, which
 * the camera's YUV formats carry as their first plane, so no colour
 * conversion runs at all. The memory bench (test/bench/video-control.ts)
 * keeps both paths side by side.
 */
import type { Luma } from './preprocess';

/** Pixel formats whose first plane is 8-bit luminance (Y). */
const Y_PLANE_FORMATS = new Set(['I420', 'I420A', 'I422', 'I422A', 'I444', 'I444A', 'NV12']);
/** Byte order of the colour channels of the packed formats. */
const PACKED: Readonly<Record<string, readonly [number, number, number]>> = {
  RGBA: [0, 1, 2],
  RGBX: [0, 1, 2],
  BGRA: [2, 1, 0],
  BGRX: [2, 1, 0],
};

export interface PlaneLayoutLike {
  readonly offset: number;
  readonly stride: number;
}

/** True when lumaFromPlanes can read this format (otherwise ask the frame for RGBA). */
export function readableFormat(format: string | null): boolean {
  return format !== null && (Y_PLANE_FORMATS.has(format) || format in PACKED);
}

/**
 * The luminance of a frame copied out of a VideoFrame (`data` and `layout`
 * as VideoFrame.copyTo gives them), scaled down by nearest neighbour when it
 * is wider than `maxWidth`. Null for a format it does not know.
 */
export function lumaFromPlanes(
  data: Uint8Array,
  format: string | null,
  layout: readonly PlaneLayoutLike[],
  width: number,
  height: number,
  maxWidth = width,
): Luma | null {
  const plane = layout[0];
  if (!format || !plane || width <= 0 || height <= 0) return null;
  const packed = PACKED[format];
  if (!Y_PLANE_FORMATS.has(format) && !packed) return null;
  const outWidth = Math.min(width, Math.max(1, Math.floor(maxWidth)));
  const outHeight = outWidth === width ? height : Math.max(1, Math.round((height * outWidth) / width));
  const out = new Uint8ClampedArray(outWidth * outHeight);
  const step = width / outWidth;
  const stepY = height / outHeight;
  for (let y = 0; y < outHeight; y++) {
    const row = plane.offset + Math.min(height - 1, Math.floor(y * stepY)) * plane.stride;
    const at = y * outWidth;
    if (!packed) {
      if (outWidth === width) out.set(data.subarray(row, row + width), at);
      else for (let x = 0; x < outWidth; x++) out[at + x] = data[row + Math.floor(x * step)]!;
    } else {
      const [r, g, b] = packed;
      for (let x = 0; x < outWidth; x++) {
        const p = row + Math.floor(x * step) * 4;
        // ITU-R BT.601 with integer weights, as preprocess.luminance.
        out[at + x] = (data[p + r]! * 77 + data[p + g]! * 150 + data[p + b]! * 29) >> 8;
      }
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}

/** The minimal VideoFrame the worker uses (lib.dom's, named here so tests can hand in plain objects). */
export interface VideoFrameLike {
  readonly format: string | null;
  readonly visibleRect: { readonly width: number; readonly height: number } | null;
  allocationSize(options?: { format?: string }): number;
  copyTo(destination: Uint8Array, options?: { format?: string }): Promise<readonly PlaneLayoutLike[]>;
}

/**
 * One VideoFrame's luminance for the decoders. Reuses `scratch` for the
 * copy when it is large enough. The caller closes the frame (as soon as this
 * resolves).
 */
export async function framePixels(
  frame: VideoFrameLike,
  maxWidth: number,
  scratch: { buffer: Uint8Array | null },
): Promise<Luma> {
  const width = frame.visibleRect?.width ?? 0;
  const height = frame.visibleRect?.height ?? 0;
  // Formats it cannot read directly (an opaque GPU frame: format null) are converted by the browser.
  const options = readableFormat(frame.format) ? undefined : { format: 'RGBA' };
  const format = options ? 'RGBA' : frame.format;
  const size = frame.allocationSize(options);
  if (!scratch.buffer || scratch.buffer.byteLength < size) scratch.buffer = new Uint8Array(size);
  const buffer = scratch.buffer.subarray(0, size);
  const layout = await frame.copyTo(buffer, options);
  const luma = lumaFromPlanes(buffer, format, layout, width, height, maxWidth);
  if (!luma) throw new Error(`camera frame format ${String(frame.format)} not readable`);
  return luma;
}
