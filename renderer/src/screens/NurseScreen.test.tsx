// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../../src/api/reply';
import type { Value } from '../api/venue';
import { useNurse } from '../stores/nurse';
import { installVenueStub, type VenueStub } from '../test/venue-stub';
import { NurseScreen } from './NurseScreen';

afterEach(cleanup);

const PERSON = {
  checkinId: 'c1', municipality: '131016', ticketNumber: '1234567890', doseNumber: 1, checkedInAt: '2026-11-23T10:02:00+09:00',
  deskId: 'R1', nameKana: 'ヤマダ タロウ', nameKanji: '山田 太郎', birthDate: '1958-04-12', sex: 'M',
} satisfies Value<'vaccinationQueue'>[number];

const PRODUCT = {
  maker: 'ファイザー', vaccineType: 'mRNA', doseVolumeMl: 0.3, minIntervalDays: 90, minAge: 12, maxAge: null, observationMinutes: 15, dosesPerVial: 6, gtins: [], mayFollow: [],
};
const PRODUCTS = [
  { ...PRODUCT, id: 'PFZ', name: 'コミナティ' },
  { ...PRODUCT, id: 'MOD', name: 'スパイクバックス', maker: 'モデルナ', doseVolumeMl: 0.5 },
] satisfies Value<'listProducts'>;

const LOTS = [
  { id: 'lot-booked', productId: 'PFZ', productName: 'コミナティ', maker: 'ファイザー', lotNumber: 'FA1234', expiry: '2027-03-31', expired: false, vialsOpened: 0 },
  { id: 'lot-other', productId: 'MOD', productName: 'スパイクバックス', maker: 'モデルナ', lotNumber: 'MS0001', expiry: '2027-03-31', expired: false, vialsOpened: 0 },
] satisfies Value<'listLots'>;

const MISMATCH = { code: 'PRODUCT_NOT_BOOKED', message: { ja: '予約の製品（コミナティ）と違う製品のロットです。', en: 'This lot is not the booked product.' } } as const;

/** What the core says of the chosen lot for this person (typed by the contract). */
function contextFor(lotId: string | null | undefined): Value<'doseContext'> {
  return {
    booked: { productId: 'PFZ', productName: 'コミナティ', source: 'booking', slotStart: '10:00', slotEnd: '10:30' },
    previous: [],
    checks: lotId === 'lot-other' ? [MISMATCH] : [],
    advice: { ja: '確認して理由を入力してください。', en: 'Check, and give a reason.' },
  };
}

/**
 * The core's rules for recordDose that these tests lean on, answered as the
 * core answers them (src/doses/record.ts): a dose given needs a site and a
 * doctor; a lot of another product needs its check confirmed with a reason.
 * A dose that passes is held (never answered): the test looks at what was sent.
 */
function recordDose(input: unknown): Reply<unknown> {
  const dose = input as { site: string | null; doctor: string | null; lotId: string | null; confirmChecks: { codes: string[]; reason: string } | null };
  if (!dose.site || !dose.doctor) return { ok: false, error: { code: 'MISSING_FIELDS', message: { ja: '接種部位と予診医が入力されていません。', en: 'the injection site and the doctor are missing.' } } };
  if (dose.lotId === 'lot-other' && !dose.confirmChecks) return { ok: false, error: { code: 'CHECK_CONFIRMATION_REQUIRED', message: { ja: '製品の確認が必要です。', en: 'The product check needs confirming.' } } };
  return { ok: false, error: { code: 'TEST_HELD', message: { ja: '-', en: '-' } } };
}

/** jsdom has no workers: the camera's decoder gets one that never answers (scanning is tested in Chromium, test/e2e). */
class SilentWorker {
  onmessage: unknown = null;
  postMessage(): void {}
  terminate(): void {}
  addEventListener(): void {}
  removeEventListener(): void {}
}

let venue: VenueStub;

beforeEach(() => {
  Object.defineProperty(window, 'Worker', { value: SilentWorker, configurable: true, writable: true });
  // jsdom plays no sound: the chime and the buzzer resolve at once.
  Object.defineProperty(HTMLMediaElement.prototype, 'play', { value: () => Promise.resolve(), configurable: true, writable: true });
  venue = installVenueStub();
  venue.answer('vaccinationQueue', { ok: true, value: [PERSON] });
  venue.answer('listLots', { ok: true, value: LOTS });
  venue.answer('listProducts', { ok: true, value: PRODUCTS });
  venue.answer('listDesks', { ok: true, value: [{ id: 'N1', name: '接種1', activeLotId: null, activeLotNumber: null, productName: null, doctor: null }] satisfies Value<'listDesks'> });
  venue.answer('doseContext', (input) => ({ ok: true, value: contextFor((input as { lotId?: string | null }).lotId) }));
  venue.answer('setDeskLot', (input) => ({ ok: true, value: { deskId: 'N1', lotId: (input as { lotId: string }).lotId } }));
  venue.answer('recordDose', recordDose);
  useNurse.setState(useNurse.getInitialState());
});

const recorded = () => venue.calls.filter((c) => c.operation === 'recordDose').map((c) => c.input as Record<string, unknown>);

async function openFormWithLot(lotId: string): Promise<void> {
  await act(async () => render(<NurseScreen />));
  await act(async () => fireEvent.click(await screen.findByTestId('queue-item')));
  await act(async () => fireEvent.change(screen.getByTestId('lot-select'), { target: { value: lotId } }));
}

describe('the nurse’s dose form', () => {
  it('cannot record a dose without the site and the doctor: the refusal stays on the form, nothing is saved', async () => {
    await openFormWithLot('lot-booked');
    await act(async () => fireEvent.click(screen.getByTestId('record-dose-button')));
    expect(recorded()).toMatchObject([{ status: 'performed', lotId: 'lot-booked', site: null, doctor: null }]);
    expect(screen.getByTestId('dose-error').getAttribute('data-code')).toBe('MISSING_FIELDS');
    expect(screen.getByTestId('dose-form')).toBeTruthy();
    // The site alone is not enough.
    fireEvent.click(screen.getByTestId('site-left_arm'));
    await act(async () => fireEvent.click(screen.getByTestId('record-dose-button')));
    expect(recorded()[1]).toMatchObject({ site: 'left_arm', doctor: null });
    expect(screen.getByTestId('dose-error').getAttribute('data-code')).toBe('MISSING_FIELDS');
    fireEvent.change(screen.getByTestId('doctor'), { target: { value: '医師 一郎' } });
    await act(async () => fireEvent.click(screen.getByTestId('record-dose-button')));
    expect(recorded()[2]).toMatchObject({ site: 'left_arm', doctor: '医師 一郎', confirmChecks: null });
  });

  it('a lot of another product than the booked one is saved only once its check is confirmed with a reason', async () => {
    await openFormWithLot('lot-other');
    expect((await screen.findByTestId('dose-check')).getAttribute('data-code')).toBe('PRODUCT_NOT_BOOKED');
    fireEvent.click(screen.getByTestId('site-left_arm'));
    fireEvent.change(screen.getByTestId('doctor'), { target: { value: '医師 一郎' } });
    await act(async () => fireEvent.click(screen.getByTestId('record-dose-button')));
    // Refused until confirmed: the form asks for the confirmation instead of the record button.
    expect(recorded()).toHaveLength(1);
    expect(recorded()[0]).toMatchObject({ lotId: 'lot-other', confirmChecks: null });
    expect(screen.getByTestId('check-confirm')).toBeTruthy();
    expect(screen.queryByTestId('record-dose-button')).toBeNull();
    const confirm = screen.getByTestId('check-confirm-button') as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.change(screen.getByTestId('check-reason'), { target: { value: '医' } });
    expect(confirm.disabled).toBe(true);
    fireEvent.change(screen.getByTestId('check-reason'), { target: { value: '医師の指示で変更' } });
    await act(async () => fireEvent.click(confirm));
    expect(recorded()[1]).toMatchObject({ lotId: 'lot-other', confirmChecks: { codes: ['PRODUCT_NOT_BOOKED'], reason: '医師の指示で変更' } });
  });
});
