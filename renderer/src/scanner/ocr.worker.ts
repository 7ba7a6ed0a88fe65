/**
 * The OCR worker: reads the printed 18-digit line from frames the decode
 * worker hands it (only frames of a sight with no code in it; see
 * ocr/gate.ts), on a thread of its own. Nothing is fetched: the reader is
 * plain code and its digit templates are in the bundle. Lines that fail the
 * municipality check digit are dropped here; the page waits for a second
 * frame to agree before anything is shown (sight.ts).
 */
import { parseTicketCode } from '../../../src/ticket';
import { readTicketLines } from './ocr/reader';
import type { FromOcr, ToOcr } from './protocol';

self.onmessage = (event: MessageEvent<{ port: MessagePort }>) => {
  const { port } = event.data;
  port.onmessage = (message: MessageEvent<ToOcr>) => {
    const { id, frameAt, width, height, data } = message.data;
    const started = performance.now();
    let lines: string[] = [];
    try {
      lines = readTicketLines({ width, height, data }).filter((line) => parseTicketCode(line).ok);
    } catch {
      // A frame the reader cannot take is a frame with nothing read.
    }
    port.postMessage({ type: 'lines', id, frameAt, lines, ocrMs: performance.now() - started } satisfies FromOcr);
  };
};
