import { describe, expect, it } from 'vitest';
import { OPERATION_NAMES } from '../../../src/api/names';
import { actionLabel, AUDIT_ACTIONS, OPERATION_LABELS, SYSTEM_ACTION_LABELS } from './operations';

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

describe('the audit log’s words for operations', () => {
  it('labels every operation of the contract, and nothing else (the compiler checks it too)', () => {
    expect(Object.keys(OPERATION_LABELS).sort()).toEqual([...OPERATION_NAMES].sort());
  });

  it('has each label in Japanese and English, never the operation’s own name', () => {
    for (const [name, [ja, en]] of Object.entries({ ...OPERATION_LABELS, ...SYSTEM_ACTION_LABELS })) {
      expect(JAPANESE.test(ja), name).toBe(true);
      expect(en.trim(), name).not.toBe('');
      expect(ja, name).not.toContain(name);
      expect(en, name).not.toContain(name);
    }
  });

  it('names the core’s own entries, and answers null for a name it does not know', () => {
    expect(actionLabel('recordDose', 'ja')).toBe('接種を記録');
    expect(actionLabel('recordDose', 'en')).toBe('Recorded a dose');
    expect(actionLabel('auditHeadForged', 'ja')).toContain('操作ログ');
    expect(actionLabel('somethingNew', 'ja')).toBeNull();
    expect(actionLabel('toString', 'ja')).toBeNull();
    expect(AUDIT_ACTIONS).toContain('syncResend');
  });
});
