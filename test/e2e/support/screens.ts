/**
 * What "fits the desk" means, as checks on a real page: the sizes staff use
 * (tablets both ways, a laptop, and each at 150 % zoom), whether an element
 * is inside the viewport, whether the header stays on screen after
 * scrolling, table cells squeezed into one-character stacks, dates written
 * in another style than the one formatting module's, and axe-core's
 * accessibility rules.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import type { AxeResults } from 'axe-core';

export interface ScreenSize {
  readonly name: string;
  /** CSS pixels the page lays out in: at 150 % zoom, the device's size divided by 1.5. */
  readonly viewport: { readonly width: number; readonly height: number };
  readonly deviceScaleFactor: number;
  readonly landscapeTablet: boolean;
  readonly portrait: boolean;
}

function size(name: string, width: number, height: number, zoom: 1 | 1.5): ScreenSize {
  return {
    name: zoom === 1 ? name : `${name}-150`,
    // Browser zoom is what Chromium does for "150 %": the same window, CSS pixels 1.5 times as large.
    viewport: { width: Math.floor(width / zoom), height: Math.floor(height / zoom) },
    deviceScaleFactor: zoom,
    landscapeTablet: name === 'tablet-landscape' && zoom === 1,
    portrait: height > width,
  };
}

export const SCREEN_SIZES: readonly ScreenSize[] = [
  size('tablet-landscape', 1280, 800, 1),
  size('tablet-portrait', 800, 1280, 1),
  size('laptop', 1366, 768, 1),
  size('tablet-landscape', 1280, 800, 1.5),
  size('tablet-portrait', 800, 1280, 1.5),
  size('laptop', 1366, 768, 1.5),
];

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The element's box, and whether all of it is inside the viewport (what staff see without scrolling). */
export async function placement(page: Page, locator: Locator): Promise<{ box: Box; inside: boolean }> {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize();
  if (!box || !viewport) throw new Error('no box or no viewport');
  const inside = box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width + 0.5 && box.y + box.height <= viewport.height + 0.5;
  return { box, inside };
}

/** Scrolls the page to its end and answers where the header and the sync bar are then. */
export async function headerAfterScroll(page: Page): Promise<{ scrolled: number; header: Box | null; sync: Box | null }> {
  const scrolled = await page.evaluate(() => {
    window.scrollTo(0, document.documentElement.scrollHeight);
    return window.scrollY;
  });
  // Layout after a scroll is settled by the next frame.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const header = await page.locator('.shell__header').boundingBox();
  const sync = await page.getByTestId('sync-status').boundingBox();
  await page.evaluate(() => window.scrollTo(0, 0));
  return { scrolled, header, sync };
}

/**
 * Table cells whose text is broken into lines of one or two characters
 * (a column squeezed too narrow): the text, and how many lines it took.
 */
export async function squeezedCells(page: Page): Promise<{ text: string; lines: number }[]> {
  return page.evaluate(() => {
    const found: { text: string; lines: number }[] = [];
    for (const cell of document.querySelectorAll('main table th, main table td')) {
      if ((cell as HTMLElement).offsetParent === null) continue;
      // The words shown in the cell: not those of a closed disclosure (its details are not laid out to be read).
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      const shown: Text[] = [];
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.parentElement?.closest('details:not([open]) > :not(summary)')) shown.push(node as Text);
      }
      const text = shown.map((node) => node.data).join('').replace(/\s+/g, '');
      if (text.length < 3) continue;
      const tops = new Set<number>();
      for (const node of shown) {
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const rect of range.getClientRects()) if (rect.width > 0) tops.add(Math.round(rect.top));
      }
      const lines = tops.size;
      if (lines >= 3 && text.length / lines < 2.5) found.push({ text: text.slice(0, 40), lines });
    }
    return found;
  });
}

/** Dates written otherwise than the formatting module writes them (ISO 2026-11-23, or 2026/11/23), in what is shown. */
export async function strayDates(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const text = document.querySelector('main')?.innerText ?? '';
    return [...text.matchAll(/\b\d{4}[-/]\d{1,2}[-/]\d{1,2}\b/g)].map((m) => m[0]);
  });
}

const require = createRequire(import.meta.url);
let axeSource: string | null = null;

/**
 * axe-core's rules on the page as it is, with the one experimental rule the
 * desks tripped over (a button's accessible name must contain its visible
 * text). Evaluated through the DevTools protocol, so the page's strict
 * content security policy stays as it is.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(axeSource);
  const results = (await page.evaluate(() =>
    (window as unknown as { axe: { run(context: Document, options: object): Promise<unknown> } }).axe.run(document, {
      rules: { 'label-content-name-mismatch': { enabled: true } },
      resultTypes: ['violations'],
    }),
  )) as AxeResults;
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 4).join(' | ')}`);
}
