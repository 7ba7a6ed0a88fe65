import { describe, expect, it } from 'vitest';
import { formatCountdown, formatDate, formatDateBoth, formatDateTime, formatDuration, formatExpiry, formatTime } from './format';

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

  it('writes a lot’s expiry as the vial prints it: the Western date alone', () => {
    expect(formatExpiry('2027-03-31', 'ja')).toBe('2027年3月31日');
    expect(formatExpiry('2027-03-31', 'en')).toBe('31 Mar 2027');
  });

  it('writes a day and time in one style: the Western date, then the venue’s clock', () => {
    expect(formatDateTime('2026-11-23T00:41:00Z', 'ja')).toBe('2026年11月23日 09:41');
    expect(formatDateTime('2026-11-23T15:30:00Z', 'en')).toBe('24 Nov 2026 00:30');
  });
});

describe('lengths of time', () => {
  it('never writes a countdown that reads like a clock time', () => {
    expect(formatCountdown(14 * 60_000 + 4_200, 'ja')).toBe('あと14分05秒');
    expect(formatCountdown(14 * 60_000 + 4_200, 'en')).toBe('14 min 05 s left');
    expect(formatCountdown(0, 'ja')).toBe('あと0分00秒');
    expect(formatCountdown(-(2 * 60_000 + 10_400), 'ja')).toBe('2分10秒 超過');
    expect(formatCountdown(-(2 * 60_000 + 10_400), 'en')).toBe('over by 2 min 10 s');
    expect(formatCountdown(90_000, 'ja')).not.toMatch(/\d:\d\d/);
  });

  it('rounds a median length of time to whole seconds', () => {
    expect(formatDuration(419.6, 'ja')).toBe('7分00秒');
    expect(formatDuration(65, 'en')).toBe('1 min 05 s');
  });
});
