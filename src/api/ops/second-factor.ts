import { z } from 'zod';
import { text } from '../../common/messages';
import { qrRows } from '../../common/qr-matrix';
import { totpUri } from '../../staff/second-factor';
import { beginLocalSetup, confirmLocalSetup, replaceSecondFactor, secondFactorState, setupPending } from '../../staff/two-factor';
import { readEnrollmentStatus } from '../../sync/status';
import { defineOperation, refuse, type HandlerContext } from '../operation';
import { secondFactorCode, sessionOf } from './common';
import { sessionSecondFactor } from './session';

/**
 * The supervisor's second factor on the device. On a device enrolled with a
 * central service the administrator sets it up (`admin staff totp`) and it
 * arrives with the staff data; a stand-alone device sets it up here, the
 * supervisor scanning the QR code and typing the first code to confirm.
 */
const SET_UP_CENTRALLY = text(
  'この端末は中央サービスに登録されているため、2段階認証は中央で設定します。管理者（市区町村の担当者）に `admin staff totp` での設定を依頼してください。設定は次の同期で届きます。',
  'This device is enrolled with a central service, so two-factor sign-in is set up there: ask the administrator to run `admin staff totp` for you. It arrives with the next sync.',
);

/** Stand-alone: never asked to enroll with a central service (a pending or failed request counts as enrolled). */
function standAlone(context: HandlerContext): boolean {
  return readEnrollmentStatus(context.db).state === 'none';
}

function requireStandAlone(context: HandlerContext): void {
  if (!standAlone(context)) refuse('SECOND_FACTOR_CENTRAL', SET_UP_CENTRALLY);
}

/** Base32 in groups of four, for typing into an app that cannot scan. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

export const secondFactorOperations = {
  secondFactorStatus: defineOperation({
    summary: 'Where the signed-in supervisor stands with two-factor sign-in: set, or still to set up (here or centrally); recovery codes left. Never the secret.',
    passive: true,
    access: { roles: ['supervisor'], whileLocked: true, withoutSecondFactor: true },
    input: z.strictObject({}),
    output: z.object({ state: sessionSecondFactor, setUpHere: z.boolean(), setupPending: z.boolean(), recoveryCodesLeft: z.number() }),
    handler(_input, context) {
      const session = sessionOf(context);
      const state = secondFactorState(context.db, session.staff.id);
      return { state: session.secondFactor, setUpHere: standAlone(context), setupPending: setupPending(context.db, session.staff.id), recoveryCodesLeft: state.recoveryCodesLeft };
    },
  }),

  beginSecondFactorSetup: defineOperation({
    summary:
      'Stand-alone devices: make a new TOTP secret for the signed-in supervisor and show it once (otpauth URI for the QR code, and the secret to type); it takes effect when confirmed with its first code.',
    access: { roles: ['supervisor'], withoutSecondFactor: true },
    input: z.strictObject({}),
    output: z.object({ uri: z.string(), secret: z.string(), account: z.string(), qr: z.string().regex(/^[01]+(?:\/[01]+)*$/) }),
    handler(_input, context) {
      requireStandAlone(context);
      const session = sessionOf(context);
      const secret = beginLocalSetup(context.db, session.staff.id);
      // The log says a setup began; the secret goes to this screen only.
      context.audit(session.staff.id);
      const account = `${session.staff.login}@${context.device.venueId ?? 'venue'}`;
      const uri = totpUri(secret, account);
      // The QR code as modules for the page to draw: it never needs a generator of its own.
      return { uri, secret: grouped(secret), account, qr: qrRows(uri) };
    },
  }),

  confirmSecondFactorSetup: defineOperation({
    summary: 'Confirm the secret being set up with the first code from the app; answers the ten one-time recovery codes, shown this once.',
    access: { roles: ['supervisor'], withoutSecondFactor: true },
    input: z.strictObject({ code: secondFactorCode }),
    output: z.object({ recoveryCodes: z.array(z.string()).length(10) }),
    handler(input, context) {
      requireStandAlone(context);
      const session = sessionOf(context);
      const codes = confirmLocalSetup(context.db, session.staff.id, input.code, context.now, session.tokenHash);
      if (!codes) {
        refuse(
          'WRONG_CODE',
          text('確認コードが違います。認証アプリに今表示されている6桁のコードを入力してください（QRコードを読み取ったアカウントのものか確かめてください）。', 'The code is wrong. Enter the 6-digit code the app shows now (for the account you just scanned).'),
        );
      }
      context.audit(session.staff.id, { recoveryCodes: codes.length });
      return { recoveryCodes: codes };
    },
  }),

  resetSecondFactor: defineOperation({
    summary: 'Stand-alone devices: remove another supervisor’s second factor (a lost phone); their sessions end and they set it up again at their next sign-in.',
    access: { roles: ['supervisor'] },
    input: z.strictObject({ staffId: z.string().regex(/^[0-9a-f-]{36}$/, 'a staff id') }),
    output: z.object({ staffId: z.string(), reset: z.boolean() }),
    handler(input, context) {
      requireStandAlone(context);
      if (input.staffId === sessionOf(context).staff.id) {
        refuse('CANNOT_RESET_SELF', text('自分の2段階認証は、ここではリセットできません。別の管理者に依頼するか、設定し直してください。', 'You cannot reset your own second factor here: ask another supervisor, or set it up again.'));
      }
      const role = context.db.prepare(`SELECT role FROM staff WHERE id = ?`).pluck().get(input.staffId) as string | undefined;
      if (role !== 'supervisor') refuse('UNKNOWN_STAFF', text('その管理者は登録されていません。', 'No such supervisor.'));
      const reset = replaceSecondFactor(context.db, input.staffId, null, context.now);
      context.audit(input.staffId, { reset });
      return { staffId: input.staffId, reset };
    },
  }),
};
