// @vitest-environment jsdom
import { beforeAll, describe, expect, it } from 'vitest';
import { usePrefs } from '../stores/prefs';
import { playSound, testSound, TONE_RATES } from './sounds';

const played: { src: string; volume: number; rate: number; preservesPitch: boolean }[] = [];

beforeAll(() => {
  HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
    played.push({ src: this.src, volume: this.volume, rate: this.playbackRate, preservesPitch: this.preservesPitch });
    return Promise.resolve();
  };
});

describe('this desk’s sounds', () => {
  it('play at the desk’s volume and in its tone, the pitch moving with the tone', () => {
    usePrefs.getState().set({ sound: true, volume: 0.4, tone: 'high' });
    playSound('ok');
    expect(played.at(-1)).toMatchObject({ volume: 0.4, rate: TONE_RATES.high, preservesPitch: false });
    usePrefs.getState().set({ tone: 'low' });
    playSound('ok');
    expect(played.at(-1)?.rate).toBe(TONE_RATES.low);
  });

  it('tells a walk-in request from the “already known” tone it is made from', () => {
    usePrefs.getState().set({ sound: true, volume: 1, tone: 'standard' });
    playSound('notice');
    const notice = played.at(-1);
    playSound('walkIn');
    const walkIn = played.at(-1);
    expect(walkIn?.src).toBe(notice?.src);
    expect(walkIn?.rate).toBeGreaterThan(notice?.rate ?? 1);
  });

  it('stays quiet with result sounds off, while the test button still plays', () => {
    usePrefs.getState().set({ sound: false });
    const before = played.length;
    playSound('refusal');
    expect(played.length).toBe(before);
    testSound('refusal');
    expect(played.length).toBe(before + 1);
  });

  it('keeps the volume and tone with the device’s own preferences', () => {
    usePrefs.getState().set({ volume: 0.6, tone: 'low' });
    expect(JSON.parse(localStorage.getItem('venue-prefs-v1') ?? '{}')).toMatchObject({ volume: 0.6, tone: 'low' });
  });
});
