import { text, type StaffText } from '../common/messages';

/** Words for staff about sync problems, by code (server error codes and transport errors). */
export const SYNC_MESSAGES = {
  ENROLLMENT_CODE_UNKNOWN: text(
    '登録コードが正しくありません。入力を確認し、違っていれば管理者に確認してください。',
    'The enrollment code is not valid. Check what was typed, and ask the administrator if it is right.',
  ),
  ENROLLMENT_CODE_USED: text(
    'この登録コードは使用済みです（1回だけ使えます）。管理者に新しいコードを発行してもらってください。',
    'This enrollment code has already been used (each code works once). Ask the administrator for a new one.',
  ),
  ENROLLMENT_CODE_EXPIRED: text('この登録コードは有効期限が切れています。管理者に新しいコードを発行してもらってください。', 'This enrollment code has expired. Ask the administrator for a new one.'),
  UNREACHABLE: text('中央サーバーに接続できません。ネットワークとアドレスを確認してください。記録はこの端末に保存され、接続が戻ると送信されます。', 'The central service cannot be reached. Check the network and the address. Records are kept on this device and sent when the connection is back.'),
  TIMEOUT: text('中央サーバーから応答がありません。接続が戻ると自動で再送します。', 'The central service does not answer. Sending resumes by itself when it does.'),
  ABORTED: text('通信を中止しました。', 'The connection was stopped.'),
  FINGERPRINT_MISMATCH: text(
    '中央サーバーの証明書が登録時のものと違います。なりすましの恐れがあるため通信を中止しました。管理者に連絡してください。',
    'The central service presented a different certificate from the one this device enrolled with. Nothing was sent, in case it is an impostor. Call the administrator.',
  ),
  INSECURE_URL: text(
    '暗号化されていない接続（http://）は、この端末の中のサーバーにしか使えません。https:// で始まるアドレスを入力してください。',
    'Unencrypted connections (http://) are allowed only to a server on this machine. Enter an address starting with https://.',
  ),
  BAD_URL: text('中央サーバーのアドレスが正しくありません（例 https://central.example.jp:8443）。', 'The central service address is not valid (e.g. https://central.example.jp:8443).'),
  RESPONSE_TOO_LARGE: text('中央サーバーの応答が大きすぎます。管理者に連絡してください。', 'The answer from the central service is too large. Call the administrator.'),
  UNKNOWN_DEVICE: text('この端末は中央サーバーに登録されていません。管理者に連絡してください。', 'The central service does not know this device. Call the administrator.'),
  DEVICE_REVOKED: text('この端末の登録は取り消されています。記録はこの端末に残っています。管理者に連絡してください。', 'This device has been revoked by the central service. Its records stay on this device. Call the administrator.'),
  FEED_INVALID: text('中央サーバーから受け取ったデータに誤りがあり、取り込みを止めました。管理者に連絡してください。', 'Data from the central service was not valid and was not applied. Call the administrator.'),
  SERVER_ERROR: text('中央サーバーでエラーが起きました。自動で再送します。', 'The central service had an error. Sending will be retried.'),
  SERVER_BUSY: text('中央サーバーが混み合っています。記録はこの端末に保存され、少し待って自動で再送します。', 'The central service is busy. Records are kept on this device and sent again shortly, by themselves.'),
  PROTOCOL: text('中央サーバーの応答が読めません。アプリの版が合っているか管理者に確認してください。', 'The answer from the central service cannot be read. Ask the administrator whether the app versions match.'),
} as const satisfies Record<string, StaffText>;

export type SyncMessageCode = keyof typeof SYNC_MESSAGES;

/** The device's words for a code; for a code it has none for, the central service's own words when it gave them. */
export function syncMessage(code: string, fromServer: StaffText | null = null): StaffText {
  return (SYNC_MESSAGES as Record<string, StaffText>)[code] ?? fromServer ?? SYNC_MESSAGES.SERVER_ERROR;
}
