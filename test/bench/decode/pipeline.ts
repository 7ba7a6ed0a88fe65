/**
 * The bench runs the app's own pipeline code (renderer/src/scanner/pipeline.ts)
 * with the two libraries loaded for Node, so the setup it recommends is
 * exactly what the decode worker runs.
 */
import { createPipelineDecoder, type PipelineSpec } from '../../../renderer/src/scanner/pipeline';
import type { Decoder } from './decoder';
import { createLibraryReader, readWithWasm, wasmReaderOptions } from './engines';

export type { Attempt, PipelineSpec, Preprocess } from '../../../renderer/src/scanner/pipeline';

export function createPipeline(spec: PipelineSpec): Decoder {
  const pipeline = createPipelineDecoder(spec, {
    wasm(options) {
      const readerOptions = wasmReaderOptions(options);
      return async (frame) => ({ codes: await readWithWasm(frame, readerOptions), seen: false });
    },
    library(options) {
      const read = createLibraryReader(options);
      return (luma) => ({ codes: read(luma), seen: false });
    },
  });
  return { name: spec.name, decode: async (frame) => (await pipeline.decode(frame)).codes };
}
