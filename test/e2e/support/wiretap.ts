/**
 * Everything that left or reached a page, for the privacy test: WebSocket
 * frames both ways, request URLs and bodies, console output.
 */
import type { Page } from 'playwright-core';

export class Wiretap {
  readonly frames: string[] = [];
  readonly requests: string[] = [];
  readonly console: string[] = [];

  attach(page: Page): void {
    page.on('websocket', (socket) => {
      socket.on('framesent', (frame) => this.frames.push(String(frame.payload)));
      socket.on('framereceived', (frame) => this.frames.push(String(frame.payload)));
    });
    page.on('request', (request) => {
      this.requests.push(`${request.method()} ${request.url()} ${request.postData() ?? ''}`);
    });
    page.on('console', (message) => this.console.push(message.text()));
    page.on('pageerror', (error) => this.console.push(String(error)));
  }

  /** All of it as one text to search. */
  text(): string {
    return [...this.frames, ...this.requests, ...this.console].join('\n');
  }
}

/** The ways a 12-digit individual number can be written: plain, 4-4-4 with spaces or hyphens, full-width. */
export function spellings(number: string): string[] {
  const groups = [number.slice(0, 4), number.slice(4, 8), number.slice(8)];
  const fullWidth = number.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
  return [number, groups.join(' '), groups.join('-'), fullWidth];
}
