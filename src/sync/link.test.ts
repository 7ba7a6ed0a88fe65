// How the device reads a refusal of the central service: one parser for the one wire shape
// { error: { code, message: { ja, en }, ...details } }, giving a StaffRefusal.
import { describe, expect, it } from 'vitest';
import { StaffRefusal } from '../common/refusal';
import { answerError, ServerAnswer } from './link';
import { SYNC_MESSAGES } from './messages';

const answer = (status: number, body: string, retryAfter?: string) => ({ status, body, fingerprint: null, ...(retryAfter ? { retryAfter } : {}) });
const refusal = (code: string, ja: string, en: string, details: object = {}) => JSON.stringify({ error: { code, message: { ja, en }, ...details } });

describe('a refusal of the central service, as the device reads it', () => {
  it('is a StaffRefusal with the code and the words the central service gave, when the device has none of its own', () => {
    const read = answerError(answer(400, refusal('INVALID_REQUEST', '項目が正しくありません。', 'The fields are wrong.', { issues: [{ path: 'code', message: 'Expected string' }] })));
    expect(read).toBeInstanceOf(ServerAnswer);
    expect(read).toBeInstanceOf(StaffRefusal);
    expect(read).toMatchObject({ status: 400, code: 'INVALID_REQUEST', staffMessage: { ja: '項目が正しくありません。', en: 'The fields are wrong.' }, retryAfterMs: 0 });
  });

  it('says what this desk should do in the device’s own words when it has them for the code', () => {
    const read = answerError(answer(409, refusal('ENROLLMENT_CODE_USED', '使用済みです（管理者向け）。', 'Used (for the administrator).')));
    expect(read.code).toBe('ENROLLMENT_CODE_USED');
    expect(read.staffMessage).toEqual(SYNC_MESSAGES.ENROLLMENT_CODE_USED);
  });

  it('keeps a busy server’s Retry-After, capped at a minute', () => {
    expect(answerError(answer(429, refusal('SERVER_BUSY', '混み合っています。', 'Busy.'), '5')).retryAfterMs).toBe(5_000);
    expect(answerError(answer(429, refusal('SERVER_BUSY', '混み合っています。', 'Busy.'), '3600')).retryAfterMs).toBe(60_000);
  });

  it('keeps the code of a body it cannot read whole, with the device’s words', () => {
    // The shape before the words became { ja, en }: the code still counts (the outbox and the
    // enrollment decide by it); the words are the device's own.
    const older = answerError(answer(401, JSON.stringify({ error: { code: 'UNKNOWN_DEVICE', message: 'Unknown device.', messageJa: '不明な端末です。' } })));
    expect(older).toMatchObject({ code: 'UNKNOWN_DEVICE', staffMessage: SYNC_MESSAGES.UNKNOWN_DEVICE });
  });

  it('names the status when the body is not a refusal at all', () => {
    expect(answerError(answer(502, '<html>Bad gateway</html>'))).toMatchObject({ code: 'SERVER_ERROR', staffMessage: SYNC_MESSAGES.SERVER_ERROR });
    expect(answerError(answer(404, 'null'))).toMatchObject({ code: 'HTTP_404', staffMessage: SYNC_MESSAGES.SERVER_ERROR });
    expect(answerError(answer(400, JSON.stringify({ error: { code: 42 } })))).toMatchObject({ code: 'HTTP_400' });
  });
});
