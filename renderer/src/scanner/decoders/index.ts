import type { Decoder, DecoderName, ScanPurpose } from '../decoder';
import type { ZxingWasmSource } from './zxing-wasm';

/** Loads only the engine asked for (each is its own chunk in the build). */
export async function createDecoder(name: DecoderName, wasm: ZxingWasmSource = {}, purpose: ScanPurpose = 'any'): Promise<Decoder> {
  switch (name) {
    case 'zxing-wasm': {
      const { createZxingWasmDecoder } = await import('./zxing-wasm');
      return createZxingWasmDecoder(wasm, purpose);
    }
    case 'zxing-library': {
      const { createZxingLibraryDecoder } = await import('./zxing-library');
      return createZxingLibraryDecoder(purpose);
    }
  }
}
