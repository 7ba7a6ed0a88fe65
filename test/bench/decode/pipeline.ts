/**
 * The decoders the bench measures, each behind the bench's small interface.
 * The worker's pipeline is the app's own decoder (createZxingWasmDecoder, the
 * function the decode worker calls, with the .wasm given as bytes): what the
 * bench measures is what runs.
 */
import { formatsFor, type DecodedCode as AppCode, type ScanPurpose } from '../../../renderer/src/scanner/decoder';
import { createZxingWasmDecoder, wasmEngine } from '../../../renderer/src/scanner/decoders/zxing-wasm';
import { createPipelineDecoder, type PipelineSpec } from '../../../renderer/src/scanner/pipeline';
import { normaliseText, type Decoder } from './decoder';
import { createLibraryReader, loadZxingWasm, zxingWasmBinary, type LibraryOptions } from './engines';
import { createPreviousDecoder } from './previous';

export type { PipelineSpec } from '../../../renderer/src/scanner/pipeline';

export type Setup =
  | { readonly kind: 'worker'; readonly name: string; readonly summary: string; readonly purpose: ScanPurpose }
  | { readonly kind: 'previous'; readonly name: string; readonly summary: string }
  | { readonly kind: 'pipeline'; readonly name: string; readonly summary: string; readonly spec: PipelineSpec }
  | { readonly kind: 'library'; readonly name: string; readonly summary: string; readonly options: LibraryOptions };

const normalised = (codes: readonly AppCode[]) => codes.map((c) => ({ text: normaliseText(c.text), format: c.format }));

export async function createSetup(setup: Setup): Promise<Decoder> {
  await loadZxingWasm();
  switch (setup.kind) {
    case 'worker': {
      const decoder = await createZxingWasmDecoder({ wasmBinary: zxingWasmBinary() }, setup.purpose);
      return { name: setup.name, decode: async (frame) => normalised((await decoder.decode(frame)).codes) };
    }
    case 'previous': {
      const decoder = createPreviousDecoder();
      return { name: setup.name, decode: async (frame) => normalised((await decoder.decode(frame)).codes) };
    }
    case 'pipeline': {
      const decoder = createPipelineDecoder(setup.spec, wasmEngine, formatsFor('any'));
      return { name: setup.name, decode: async (frame) => normalised((await decoder.decode(frame)).codes) };
    }
    case 'library': {
      const read = createLibraryReader(setup.options);
      return { name: setup.name, decode: async (frame) => read(frame) };
    }
  }
}
