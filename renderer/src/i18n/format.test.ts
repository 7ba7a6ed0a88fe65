import { describe, expect, it } from 'vitest';
import { formatDate, formatDateBoth, formatTime } from './format';

describe('dates in 和暦 and 西暦', () => {
  it('writes a date of birth in both calendars, Japanese first', () => {
    expect(formatDate('1958-04-12', 'ja')).toEqual({ wareki: '昭和33年4月12日', seireki: '1958年4月12日' });
    expect(formatDateBoth('1958-04-12', 'ja')).toBe('昭和33年4月12日（1958年4月12日）');
  });

  it('uses 元年 for the first year of an era, and the era changes on its day', () => {
    expect(formatDate('2019-05-01', 'ja').wareki).toBe('令和元年5月1日');
    expect(formatDate('2019-04-30', 'ja').wareki).toBe('平成31年4月30日');
    expect(formatDate('1989-01-07', 'ja').wareki).toBe('昭和64年1月7日');
    expect(formatDate('1989-01-08', 'ja').wareki).toBe('平成元年1月8日');
  });

  it('gives English with the era beside the Western date', () => {
    expect(formatDate('1958-04-12', 'en')).toEqual({ wareki: 'Shōwa 33', seireki: '12 Apr 1958' });
    expect(formatDateBoth('2026-11-24', 'en', { weekday: true })).toBe('Tue, 24 Nov 2026 (Reiwa 8)');
  });

  it('never shifts a calendar date by the device’s time zone', () => {
    // Formatted in UTC from the date's own digits: the same on any machine.
    expect(formatDate('2000-01-01', 'ja').seireki).toBe('2000年1月1日');
  });

  it('shows times in venue time (Japan), whatever zone the instant is written in', () => {
    expect(formatTime('2026-11-23T00:30:00Z')).toBe('09:30');
    expect(formatTime('2026-11-23T09:30:00.000+09:00')).toBe('09:30');
  });
});
