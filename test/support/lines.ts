/** A child process's output, line by line (the crash tests' children speak in lines: READY, ACK <id>, HELD). */
import type { Readable } from 'node:stream';

/** Calls `onLine` for each complete line of `stream` (without its newline); a last line without one is not passed. */
export function onLines(stream: Readable, onLine: (line: string) => void): void {
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (data: string) => {
    buffer += data;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      onLine(line);
    }
  });
}
