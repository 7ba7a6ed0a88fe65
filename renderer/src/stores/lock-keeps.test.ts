// @vitest-environment jsdom
/**
 * The idle lock keeps the person's work and nothing personal: after a lock
 * the stores hold no name, no queue, no answer about anyone, only what was
 * entered (by check-in id) and where the person was; unlocking brings the
 * same form back; the end of the session forgets it all.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { myNumberCheckDigit } from '../../../src/ticket';
import { installVenueStub, type VenueStub } from '../test/venue-stub';
import { useKept } from './kept';
import { useNavigation } from './navigation';
import { useNurse, type QueueEntry } from './nurse';
import { endSessionData, wipePersonalData } from './privacy';

const ENTRY: QueueEntry = {
  checkinId: '01900000-0000-7000-8000-00000000c001',
  municipality: '131016',
  ticketNumber: '0000100001',
  doseNumber: 1,
  checkedInAt: '2026-11-23T09:40:00+09:00',
  deskId: 'R1',
  nameKana: 'ヤマダ タロウ',
  nameKanji: '山田 太郎',
  birthDate: '1958-04-12',
  sex: 'M',
};
const PERSONAL = ['山田', 'ヤマダ', '1958-04-12', '0000100001'];

let venue: VenueStub;

beforeAll(() => {
  venue = installVenueStub();
  venue.answer('vaccinationQueue', { ok: true, value: [ENTRY] });
  venue.answer('doseContext', { ok: false, error: { code: 'X', message: { ja: '-', en: '-' } } });
});

beforeEach(() => endSessionData());

async function openForm(): Promise<void> {
  await useNurse.getState().refreshQueue();
  useNurse.getState().select(ENTRY);
  useNurse.getState().edit({ site: 'left_arm', observationMinutes: 30, checkReason: '医師の判断' });
  useNurse.getState().setDoctor('予診 医師');
  useNurse.setState({ confirming: true });
}

describe('the nurse’s form through the lock', () => {
  it('forgets every personal detail at the lock but keeps what was entered, by check-in id', async () => {
    await openForm();
    wipePersonalData();
    const state = useNurse.getState();
    expect(state.selected).toBeNull();
    expect(state.queue).toEqual([]);
    for (const detail of PERSONAL) expect(JSON.stringify(state)).not.toContain(detail);
    expect(state.resume).toEqual({ checkinId: ENTRY.checkinId, confirming: true });
    expect(state.drafts[ENTRY.checkinId]).toMatchObject({ site: 'left_arm', observationMinutes: 30, checkReason: '医師の判断' });
  });

  it('opens the same person’s form again once the queue is back after unlocking', async () => {
    await openForm();
    wipePersonalData();
    await useNurse.getState().refreshQueue();
    const state = useNurse.getState();
    expect(state.selected?.checkinId).toBe(ENTRY.checkinId);
    expect(state.draft).toMatchObject({ site: 'left_arm', observationMinutes: 30, checkReason: '医師の判断' });
    expect(state.confirming).toBe(true);
    expect(state.doctor).toBe('予診 医師');
    expect(state.resume).toBeNull();
  });

  it('gives nothing of it to the next person: the session’s end forgets the entries too', async () => {
    await openForm();
    wipePersonalData();
    endSessionData();
    await useNurse.getState().refreshQueue();
    expect(useNurse.getState().selected).toBeNull();
    useNurse.getState().select(ENTRY);
    expect(useNurse.getState().draft).toMatchObject({ site: null, observationMinutes: null, checkReason: '' });
    expect(useNurse.getState().doctor).toBe('');
  });
});

describe('typed entries and the screen through the lock', () => {
  it('keeps typed digits and the screen for the same person, and forgets both at the session’s end', () => {
    useKept.getState().set('reception.manual.digits', '11131016');
    useNavigation.getState().show('observation');
    wipePersonalData();
    expect(useKept.getState().fields['reception.manual.digits']).toBe('11131016');
    expect(useNavigation.getState().screen).toBe('observation');
    endSessionData();
    expect(useKept.getState().fields).toEqual({});
    expect(useNavigation.getState().screen).toBeNull();
  });

  it('never keeps an individual number through the lock, whatever field it was typed in', () => {
    const eleven = '12345678901';
    const myNumber = `${eleven}${myNumberCheckDigit(eleven)}`;
    useKept.getState().set('reception.manual.digits', myNumber);
    useKept.getState().set('walkIn.x.reason', '本人の希望');
    wipePersonalData();
    expect(useKept.getState().fields).toEqual({ 'walkIn.x.reason': '本人の希望' });
  });
});
