// One refusal class for the device core and the central service: every refusal staff may read is a
// StaffRefusal with a code and { ja, en }, so callers (the dispatcher, the server's error handler)
// recognise it by class.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Problem } from '../../server/problems';
import { asStaffFacing, Refusal } from '../../src/api/operation';
import { WalkInRefusal } from '../../src/checkin/walkin';
import { DayRefusal } from '../../src/day/close';
import { ObservationRefusal } from '../../src/day/observation';
import { DoseRefusal } from '../../src/doses/record';
import { RosterImportError } from '../../src/roster/import-errors';
import { StoreError } from '../../src/store/database';
import { KeyVaultError } from '../../src/store/keyvault';
import { ConflictRefusal } from '../../src/sync/conflicts';
import { StaffRefusal } from '../../src/common/refusal';
import { StaffError } from '../../src/staff/accounts';

const words = { ja: '理由', en: 'why' };

describe('StaffRefusal', () => {
  it('is what every refusal of the core and the central service is, with its code and words in both languages', () => {
    const refusals: StaffRefusal[] = [
      new Refusal('A', words),
      new DoseRefusal('B', words),
      new DayRefusal('C', words),
      new ObservationRefusal('D', words),
      new WalkInRefusal('E', words),
      new ConflictRefusal('F', words),
      new StoreError('DAMAGED', words),
      new KeyVaultError('VAULT_DAMAGED', words),
      new StaffError('LOGIN_TAKEN', words),
      new Problem(400, 'G', 'why', '理由'),
    ];
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(StaffRefusal);
      expect(refusal.staffMessage).toEqual(words);
      expect(refusal.message).toBe('why');
      expect(asStaffFacing(refusal)).toBe(refusal);
    }
    expect(refusals.map((r) => r.name)).toEqual(['Refusal', 'DoseRefusal', 'DayRefusal', 'ObservationRefusal', 'WalkInRefusal', 'ConflictRefusal', 'StoreError', 'KeyVaultError', 'StaffError', 'Problem']);
  });

  it('is told apart by its class alone: an error that merely has the same fields is not shown to staff', () => {
    const lookalike = Object.assign(new Error('why'), { code: 'LOOKALIKE', staffMessage: words });
    expect(asStaffFacing(lookalike)).toBeNull();
  });

  it('keeps the place of a roster import error in its words, and the server its wire fields', () => {
    const error = new RosterImportError('INVALID', 3, 'sex', words);
    expect(error).toBeInstanceOf(StaffRefusal);
    expect(error.staffMessage).toEqual({ ja: '3行目の sex 列: 理由', en: 'Row 3, column sex: why' });
    expect(new Problem(409, 'TAKEN', 'taken', '使用済み').body()).toEqual({ error: { code: 'TAKEN', message: { ja: '使用済み', en: 'taken' } } });
  });
});

describe('the renderer', () => {
  const root = resolve(import.meta.dirname, '../..');
  function* sources(dir: string): Generator<string> {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) yield* sources(path);
      else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) yield path;
    }
  }

  it('shows every refusal through the one helper (t.refusal / refusalText), never picking the language by hand', () => {
    // The helper itself (i18n/t.ts) is where the language is picked; a store may keep a refusal's
    // words ({ ja, en }) to show later, through t.pick.
    const byHand: string[] = [];
    for (const path of sources(join(root, 'renderer/src'))) {
      const name = relative(root, path);
      if (name === 'renderer/src/i18n/t.ts') continue;
      readFileSync(path, 'utf8').split('\n').forEach((line, index) => {
        const shown = !name.startsWith('renderer/src/stores/') && /(?:[eE]rror|problem)\??\.message\b/.test(line) && !/instanceof Error/.test(line);
        if (/\bmessage(?:En|Ja)\b/.test(line) || /\.message\??\.(?:ja|en)\b/.test(line) || shown) byHand.push(`${name}:${index + 1}: ${line.trim()}`);
      });
    }
    expect(byHand).toEqual([]);
  });
});
