// The one way the renderer shows a refusal: its words in the language staff chose.
import { describe, expect, it } from 'vitest';
import type { ReplyError } from '../../../src/api/reply';
import { refusalText } from './t';

describe('refusalText', () => {
  const refusal = { code: 'DAY_CLOSED', message: { ja: 'この日は締められています。', en: 'The day is closed.' } } satisfies ReplyError;

  it('gives the words in the language staff chose', () => {
    expect(refusalText('ja', refusal)).toBe('この日は締められています。');
    expect(refusalText('en', refusal)).toBe('The day is closed.');
  });

  it('gives nothing when there is no refusal, so a form shows no stale error', () => {
    expect(refusalText('ja', null)).toBe('');
    expect(refusalText('en', undefined)).toBe('');
  });
});
