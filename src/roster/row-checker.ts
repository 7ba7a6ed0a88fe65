// One roster row checked: each field (row-fields.ts), then against the rows
// before it (hash-tables.ts) — duplicates, one person per ticket, booking sets.
import { isValidMunicipalityCode } from '../privacy/checkdigits';
import type { CsvRecord } from './csv';
import { fail, q, say } from './import-errors';
import { CODE_PATTERN, charCount, detach, hasUnshowable, nfkc, parseDate } from './import-kit';
import { FNV_OFFSET, mix, NumberTable, pack, packedHash, packedRow, SetParts, StringTable } from './hash-tables';
import { BOOKING_REQUIRED, PERSON_REF, SEX, SLOT, STATUS, VENUE_CODE, type PriorDose, type RosterBooking, type RosterColumn, type RosterParseOptions, type RosterRow } from './roster-format';
import { badSet, cell, DATE_HELP, hhmm, invalid, kana, need, parseEmail, parsePhone, parsePriorDoses, productCode } from './row-fields';

/** Per-field checks of one row and the checks against earlier rows. */
export class RowChecker {
  private readonly today: string | null;
  private readonly knownProducts: ReadonlySet<string> | null;
  private readonly knownVenues: ReadonlySet<string> | null;
  /** ticket key → packed(hash of ticket_kind, ticket_status, person_ref; first row). */
  private readonly tickets = new NumberTable();
  /** municipality → person_ref → packed(hash of the person columns; first row). */
  private readonly persons = new Map<string, StringTable>();
  /** ticket key → row of its row without a booking. */
  private readonly bookingless = new NumberTable();
  /** booking_id → row (booking IDs are unique across the whole file, as in the venue database). */
  private readonly bookings = new StringTable();
  /** municipality + booking_set → the first booking of the set, or the row that completed it. */
  private readonly sets = new SetParts();
  /** The last prior_doses text and what it parsed to: rows of one person repeat it. */
  private lastPriorText = '';
  private lastPriorBirth = '';
  private lastPrior: PriorDose[] = [];

  constructor(options: RosterParseOptions) {
    this.today = options.today ?? null;
    this.knownProducts = options.knownProducts ?? null;
    this.knownVenues = options.knownVenues ?? null;
  }

  row(record: CsvRecord, index: Readonly<Record<RosterColumn, number>>): RosterRow {
    const r = record.row;
    const f = record.fields;

    // Ticket
    const municipality = nfkc(need(cell(f, index.municipality_code), r, 'municipality_code'));
    if (!/^\d{6}$/.test(municipality)) {
      invalid(
        r,
        'municipality_code',
        '市区町村コードは6桁の数字です。Excel で先頭の0が消えていないか確認してください（列を「文字列」にして保存）。',
        'the municipality code must be 6 digits. Check that Excel did not drop a leading 0 (format the column as text).',
      );
    }
    if (!isValidMunicipalityCode(municipality)) {
      invalid(
        r,
        'municipality_code',
        `市区町村コード「${municipality}」の検査数字（6桁目）が合いません。正しい6桁のコードを入力してください。`,
        `the check digit (6th digit) of municipality code "${municipality}" is wrong. Enter the correct 6-digit code.`,
      );
    }
    const ticketNumber = nfkc(need(cell(f, index.ticket_number), r, 'ticket_number'));
    if (!/^\d{10}$/.test(ticketNumber)) {
      invalid(
        r,
        'ticket_number',
        '券番号は10桁の数字です。Excel で先頭の0が消えていないか確認してください（列を「文字列」にして保存）。',
        'the ticket number must be 10 digits. Check that Excel did not drop leading 0s (format the column as text).',
      );
    }
    const ticketKind = nfkc(need(cell(f, index.ticket_kind), r, 'ticket_kind'));
    if (!/^\d$/.test(ticketKind)) invalid(r, 'ticket_kind', '券種は1桁の数字です。', 'the ticket kind must be one digit.');
    const statusText = nfkc(need(cell(f, index.ticket_status), r, 'ticket_status'));
    const ticketStatus = STATUS.get(statusText) ?? STATUS.get(statusText.toLowerCase());
    if (ticketStatus === undefined) {
      const v = q(statusText);
      invalid(
        r,
        'ticket_status',
        `${v.ja}は使えません。active / moved_out / deceased / reissued（または 有効 / 転出 / 死亡 / 再発行）のどれかを入力してください。`,
        `${v.en === '' ? 'this value' : v.en.trimStart()} is not allowed. Enter one of active / moved_out / deceased / reissued (or 有効 / 転出 / 死亡 / 再発行).`,
      );
    }

    // Person
    const personRef = nfkc(need(cell(f, index.person_ref), r, 'person_ref'));
    if (!PERSON_REF.test(personRef)) {
      invalid(
        r,
        'person_ref',
        '宛名番号は英数字とハイフンで1〜20文字です（個人番号は使えません）。',
        'the person reference (宛名番号) must be 1–20 letters, digits or hyphens (never the individual number).',
      );
    }
    const nameKana = kana(need(cell(f, index.name_kana), r, 'name_kana'), r);
    const nameKanji = need(cell(f, index.name_kanji), r, 'name_kanji');
    if (hasUnshowable(nameKanji)) {
      invalid(
        r,
        'name_kanji',
        '表示できない文字（外字・制御文字など）があります。標準の文字に置き換えてください。',
        'it holds characters that cannot be shown (user-defined characters, control characters). Replace them with standard characters.',
      );
    }
    if (charCount(nameKanji) > 40) invalid(r, 'name_kanji', '氏名は40文字以内にしてください。', 'the name must be at most 40 characters.');
    const birthDate = parseDate(nfkc(need(cell(f, index.birth_date), r, 'birth_date')));
    if (birthDate === null) invalid(r, 'birth_date', DATE_HELP.ja, DATE_HELP.en);
    if (birthDate < '1900-01-01') invalid(r, 'birth_date', '1900年より前の生年月日は入力できません。', 'birth dates before 1900 are not accepted.');
    if (this.today !== null && birthDate > this.today) {
      invalid(r, 'birth_date', '生年月日が未来の日付です。', 'the birth date is in the future.');
    }
    const sexText = nfkc(need(cell(f, index.sex), r, 'sex'));
    const sex = SEX.get(sexText) ?? SEX.get(sexText.toLowerCase());
    if (sex === undefined) {
      invalid(r, 'sex', 'M / F / U（または 男 / 女 / 不明、1 / 2 / 9）で入力してください。', 'enter M / F / U (or 男 / 女 / 不明, 1 / 2 / 9).');
    }
    const phone = parsePhone(cell(f, index.phone), r);
    const email = parseEmail(cell(f, index.email), r);
    const priorText = cell(f, index.prior_doses);
    let priorDoses: PriorDose[];
    if (priorText === this.lastPriorText && birthDate === this.lastPriorBirth) {
      priorDoses = this.lastPrior.map((d) => ({ ...d }));
    } else {
      priorDoses = parsePriorDoses(this.today, this.knownProducts, priorText, birthDate, r);
      this.lastPriorText = priorText;
      this.lastPriorBirth = birthDate;
      this.lastPrior = priorDoses.map((d) => ({ ...d }));
    }

    // Booking
    const booking = this.booking(f, index, r);

    // Against earlier rows
    const ticketKey = Number(municipality.slice(0, 5)) * 1e10 + Number(ticketNumber);
    const ticketHash = mix(mix(mix(FNV_OFFSET, ticketKind), ticketStatus), personRef);
    const seenTicket = this.tickets.get(ticketKey);
    if (seenTicket === undefined) this.tickets.set(ticketKey, pack(ticketHash, r));
    else if (packedHash(seenTicket) !== packedHash(pack(ticketHash, r))) {
      const first = packedRow(seenTicket);
      fail(
        'INCONSISTENT_PERSON',
        r,
        null,
        say(
          `${first}行目と同じ券（市区町村コードと券番号）ですが、ticket_kind・ticket_status・person_ref のどれかが${first}行目と違います。同じ券の行はすべて同じ内容にしてください。`,
          `this is the same ticket (municipality code and ticket number) as row ${first}, but ticket_kind, ticket_status or person_ref differs from row ${first}. All rows of one ticket must carry the same values.`,
        ),
      );
    }
    let personHash = mix(mix(mix(mix(FNV_OFFSET, nameKana), nameKanji), birthDate), sex);
    personHash = mix(mix(personHash, phone ?? ''), email ?? '');
    for (const d of priorDoses) personHash = mix(mix(mix(mix(personHash, String(d.dose)), d.date), d.product), d.place);
    let persons = this.persons.get(municipality);
    if (persons === undefined) {
      persons = new StringTable();
      this.persons.set(detach(municipality), persons);
    }
    const seenPerson = persons.get(personRef);
    if (seenPerson === undefined) persons.set(personRef, pack(personHash, r));
    else if (packedHash(seenPerson) !== packedHash(pack(personHash, r))) {
      const first = packedRow(seenPerson);
      fail(
        'INCONSISTENT_PERSON',
        r,
        null,
        say(
          `${first}行目と同じ人（市区町村コードと宛名番号）ですが、人の項目（name_kana・name_kanji・birth_date・sex・phone・email・prior_doses）が${first}行目と違います。同じ人の行はすべて同じ内容にしてください。`,
          `this is the same person (municipality code and person_ref) as row ${first}, but the person columns (name_kana, name_kanji, birth_date, sex, phone, email, prior_doses) differ from row ${first}. All rows of one person must carry the same values.`,
        ),
      );
    }
    if (booking === null) {
      const earlier = this.bookingless.get(ticketKey);
      if (earlier !== undefined) {
        fail(
          'DUPLICATE_ROW',
          r,
          null,
          say(
            `${earlier}行目と同じ券の、予約のない行がもう一度あります。どちらかを削除してください。`,
            `row ${earlier} already holds this ticket without a booking. Delete one of the two rows.`,
          ),
        );
      }
      this.bookingless.set(ticketKey, r);
    } else {
      const earlier = this.bookings.get(booking.id);
      if (earlier !== undefined) {
        fail(
          'DUPLICATE_ROW',
          r,
          'booking_id',
          say(
            `この予約番号は${earlier}行目でも使われています。1つの予約は1行にしてください。`,
            `this booking ID is also used in row ${earlier}. Each booking must appear in one row only.`,
          ),
        );
      }
      this.bookings.set(booking.id, r);
      if (booking.setId !== null) this.setBooking(municipality, booking.setId, ticketKey, booking, r);
    }

    return {
      row: r,
      municipality,
      ticketNumber,
      ticketKind,
      ticketStatus,
      personRef,
      nameKana,
      nameKanji,
      birthDate,
      sex,
      phone,
      email,
      priorDoses,
      booking,
    };
  }

  private booking(
    f: readonly string[],
    index: Readonly<Record<RosterColumn, number>>,
    r: number,
  ): RosterBooking | null {
    const id = nfkc(cell(f, index.booking_id));
    const venue = nfkc(cell(f, index.booking_venue));
    const dateText = nfkc(cell(f, index.booking_date));
    const slotText = nfkc(cell(f, index.booking_slot));
    const doseText = nfkc(cell(f, index.booking_dose));
    const productText = nfkc(cell(f, index.booking_product));
    const setText = nfkc(cell(f, index.booking_set));
    if (id === '' && venue === '' && dateText === '' && slotText === '' && doseText === '' && productText === '' && setText === '') {
      return null;
    }
    const values = [id, venue, dateText, slotText, doseText, productText];
    for (let i = 0; i < BOOKING_REQUIRED.length; i++) {
      if (values[i] === '') {
        fail(
          'REQUIRED',
          r,
          BOOKING_REQUIRED[i] ?? null,
          say(
            '予約の列（booking_…）を使うときは、booking_id・booking_venue・booking_date・booking_slot・booking_dose・booking_product をすべて入力してください。',
            'when any booking column is used, booking_id, booking_venue, booking_date, booking_slot, booking_dose and booking_product must all be filled in.',
          ),
        );
      }
    }
    if (!CODE_PATTERN.test(id)) {
      invalid(r, 'booking_id', '予約番号は英数字・ハイフン・下線で1〜40文字です。', 'the booking ID must be 1–40 letters, digits, hyphens or underscores.');
    }
    if (!VENUE_CODE.test(venue)) {
      invalid(r, 'booking_venue', '会場コードは英数字・ハイフン・下線で1〜20文字です。', 'the venue code must be 1–20 letters, digits, hyphens or underscores.');
    }
    if (this.knownVenues !== null && !this.knownVenues.has(venue)) {
      const v = q(venue);
      fail(
        'UNKNOWN_VENUE',
        r,
        'booking_venue',
        say(`会場コード${v.ja}が登録されていません。会場コードを確認してください。`, `the venue code${v.en} is not registered. Check the venue code.`),
      );
    }
    const date = parseDate(dateText);
    if (date === null) invalid(r, 'booking_date', DATE_HELP.ja, DATE_HELP.en);
    const slot = SLOT.exec(slotText);
    const sh = Number(slot?.[1]);
    const sm = Number(slot?.[2]);
    const eh = Number(slot?.[3]);
    const em = Number(slot?.[4]);
    if (slot === null || sh > 23 || sm > 59 || eh > 23 || em > 59) {
      invalid(r, 'booking_slot', '時間枠は HH:MM-HH:MM の形で入力してください（例 09:00-09:30）。', 'write the time slot as HH:MM-HH:MM (e.g. 09:00-09:30).');
    }
    const slotStart = hhmm(sh, sm);
    const slotEnd = hhmm(eh, em);
    if (slotStart >= slotEnd) {
      invalid(r, 'booking_slot', '時間枠の終わりは始まりより後にしてください。', 'the end of the time slot must be after its start.');
    }
    if (!/^[1-9]$/.test(doseText)) invalid(r, 'booking_dose', '回数は1〜9の数字です。', 'the dose number must be 1–9.');
    const dose = Number(doseText);
    // A booking may be stale: the person had this dose elsewhere after booking it.
    // That is not an error in the file; check-in answers ALREADY_VACCINATED at the door.
    const product = productCode(this.knownProducts, productText, r, 'booking_product', say('', ''));
    let setId: string | null = null;
    if (setText !== '') {
      if (!CODE_PATTERN.test(setText)) {
        invalid(r, 'booking_set', 'セット予約番号は英数字・ハイフン・下線で1〜40文字です。', 'the set-booking ID must be 1–40 letters, digits, hyphens or underscores.');
      }
      setId = setText;
    }
    return { id, venue, date, slotStart, slotEnd, dose, product, setId };
  }

  /** A set booking links the dose n and dose n+1 bookings of one ticket. */
  private setBooking(municipality: string, setId: string, ticket: number, booking: RosterBooking, r: number): void {
    const earlier = this.sets.get(municipality, setId);
    if (earlier === undefined) {
      this.sets.add(municipality, setId, { ticket, dose: booking.dose, date: booking.date, row: r });
      return;
    }
    if (typeof earlier === 'number') {
      badSet(
        r,
        `このセット予約番号はすでに2件の予約（${earlier}行目まで）で使われています。1つのセット予約は2件までです。`,
        `this set-booking ID is already used by two bookings (up to row ${earlier}). A set booking links two bookings only.`,
      );
    }
    if (earlier.ticket !== ticket) {
      badSet(
        r,
        `このセット予約番号は${earlier.row}行目の別の券で使われています。セット予約は同じ券の予約どうしにしてください。`,
        `this set-booking ID is used for another ticket in row ${earlier.row}. A set booking links bookings of one ticket.`,
      );
    }
    const [first, second] = earlier.dose < booking.dose ? [earlier, booking] : [booking, earlier];
    if (second.dose !== first.dose + 1) {
      badSet(
        r,
        `${earlier.row}行目とのセット予約ですが、回数が続いていません（${earlier.dose}回目と${booking.dose}回目）。`,
        `this set booking with row ${earlier.row} does not link consecutive doses (doses ${earlier.dose} and ${booking.dose}).`,
      );
    }
    if (second.date <= first.date) {
      badSet(
        r,
        `${earlier.row}行目とのセット予約ですが、${second.dose}回目の予約日が${first.dose}回目より後になっていません。`,
        `this set booking with row ${earlier.row}: dose ${second.dose} is not booked after dose ${first.dose}.`,
      );
    }
    this.sets.complete(municipality, setId, r);
  }
}
