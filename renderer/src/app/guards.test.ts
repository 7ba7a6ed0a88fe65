import { describe, expect, it } from 'vitest';
import { isAllowedNavigation, isOwnDownload } from './guards';

const here = new URL('http://127.0.0.1:5180/');

describe('the page stays where it is', () => {
  it('allows a reload of itself and a change of hash', () => {
    expect(isAllowedNavigation(here, new URL('http://127.0.0.1:5180/'), 'reload')).toBe(true);
    expect(isAllowedNavigation(here, new URL('http://127.0.0.1:5180/#queue'), 'push')).toBe(true);
  });

  it('refuses other origins, other paths and other queries', () => {
    expect(isAllowedNavigation(here, new URL('https://example.com/'), 'push')).toBe(false);
    expect(isAllowedNavigation(here, new URL('http://127.0.0.1:5181/'), 'push')).toBe(false);
    expect(isAllowedNavigation(here, new URL('http://127.0.0.1:5180/other.html'), 'push')).toBe(false);
    expect(isAllowedNavigation(here, new URL('http://127.0.0.1:5180/?token=x'), 'push')).toBe(false);
    expect(isAllowedNavigation(new URL('app://venue/index.html'), new URL('app://venue/index.html'), 'replace')).toBe(true);
  });
});

describe('downloads', () => {
  const page = new URL('http://127.0.0.1:5180/');
  it('lets the page save a file it made itself (a Blob URL of its own origin)', () => {
    expect(isOwnDownload(page, new URL('blob:http://127.0.0.1:5180/5d2f0a1e-1111-4222-8333-444455556666'), 'vrs-V001-20261123.csv')).toBe(true);
  });

  it('refuses a Blob URL of another origin, a plain link, or a Blob URL opened rather than downloaded', () => {
    expect(isOwnDownload(page, new URL('blob:http://evil.example/5d2f0a1e-1111-4222-8333-444455556666'), 'x.csv')).toBe(false);
    expect(isOwnDownload(page, new URL('http://127.0.0.1:5180/other.csv'), 'other.csv')).toBe(false);
    expect(isOwnDownload(page, new URL('blob:http://127.0.0.1:5180/5d2f0a1e-1111-4222-8333-444455556666'), null)).toBe(false);
  });
});
