/**
 * The words of two-factor sign-in (the supervisor's code, its setup and
 * recovery codes) and of training mode (the band, switching in and out, the
 * sheet of dummy tickets). Japanese first, English beside it. Merged into
 * STRINGS.
 */
export const ACCESS_STRINGS = {
  'signin.code': ['確認コード（認証アプリの6桁、またはリカバリーコード）', 'Code (6 digits from the authenticator app, or a recovery code)'],
  'signin.codeHint': ['管理者は2段階認証です。アプリに今出ているコードを入力してください。', 'Supervisors sign in in two steps: enter the code the app shows now.'],
  'signin.startOver': ['IDとパスワードからやり直す', 'Start again from the ID and password'],
  'signin.recoveryLeft': [
    'リカバリーコードでログインしました。残りは {n} 個です。少なくなったら2段階認証を設定し直してください。',
    'Signed in with a recovery code: {n} left. Set up two-factor sign-in again before they run out.',
  ],

  'tfa.title': ['2段階認証の設定', 'Set up two-factor sign-in'],
  'tfa.needed': [
    '管理者の操作（締め、取消、職員、バックアップ、ロットなど）には2段階認証が必要です。先に設定してください。',
    'Supervisor work (closing the day, voids, staff, backups, lots…) needs two-factor sign-in. Set it up first.',
  ],
  'tfa.central': [
    'この端末は中央サービスに登録されています。市区町村の管理者に `admin staff totp` での設定を依頼してください。設定は次の同期で届き、その後もう一度ログインします。',
    'This device is enrolled with a central service: ask the administrator to run `admin staff totp` for you. It arrives with the next sync; then sign in again.',
  ],
  'tfa.begin': ['設定を始める', 'Start the setup'],
  'tfa.scan': [
    '認証アプリ（Google Authenticator、Microsoft Authenticator など）でこのQRコードを読み取ってください。この画面を閉じると二度と表示しません。',
    'Scan this QR code with an authenticator app (Google Authenticator, Microsoft Authenticator…). It is never shown again once this screen closes.',
  ],
  'tfa.typeSecret': ['読み取れないときは、この鍵を入力します', 'If the app cannot scan, type this key'],
  'tfa.firstCode': ['アプリに表示された6桁のコード', 'The 6-digit code the app shows'],
  'tfa.confirm': ['確認する', 'Confirm'],
  'tfa.codesTitle': ['リカバリーコード（この一度だけ表示します）', 'Recovery codes (shown this once only)'],
  'tfa.codesLead': [
    '携帯電話をなくしたときに、確認コードの代わりに1つずつ使えます（各1回限り）。紙に書き写して、本人が安全に保管してください。',
    'Each works once instead of a code if the phone is lost. Copy them onto paper and keep them safe yourself.',
  ],
  'tfa.codesDone': ['書き写しました', 'I have copied them'],
  'tfa.done': ['2段階認証を設定しました。次回から確認コードも入力します。', 'Two-factor sign-in is set up. From now on you also enter a code.'],

  'training.band': ['練習モード', 'TRAINING'],
  'training.bandNote': ['記録はすべて練習用で、本番のデータには入りません', 'Everything recorded here is practice and never reaches the real records'],
  'training.title': ['練習モード', 'Training mode'],
  'training.lead': [
    'この端末を練習用のデータ（架空の名簿・職員・ロット）に切り替えます。練習中は同期・VRS出力・バックアップを行わず、本番のデータには一切書き込みません。練習用のログインは下のとおりです。',
    'Switches this device to practice data (a made-up roster, staff and lots). While training nothing syncs, exports or counts as a backup, and nothing is written to the real data. The practice sign-ins are below.',
  ],
  'training.roster': ['練習用の名簿', 'Practice roster'],
  'training.rosterDemo': ['デモ会場（決まった12人、すべての判定を含む）', 'The demo venue (12 fixed people, every verdict)'],
  'training.rosterGenerated': ['デモ会場＋作った人数', 'The demo venue plus generated people'],
  'training.people': ['追加する人数', 'People to add'],
  'training.start': ['練習モードにする', 'Switch to training'],
  'training.starting': ['切り替えています…', 'Switching…'],
  'training.sheet': ['練習用の接種券を印刷（A4 PDF）', 'Print practice tickets (A4 PDF)'],
  'training.sheetLead': ['QRコード・NW-7・OCR行つきの練習用接種券です。判定の種類をすべて含みます。', 'Practice tickets with the QR code, NW-7 and OCR line, covering every verdict.'],
  'training.leave': ['練習モードを終える', 'Leave training'],
  'training.leaveLead': [
    '本番に戻すには、本番の管理者が自分のID・パスワード・確認コードを入力します（練習用の管理者では戻せません）。',
    'To go back to the real data, a real supervisor enters their own ID, password and code (the practice supervisor cannot).',
  ],
  'training.login': ['本番の管理者のID', 'Real supervisor ID'],
  'training.password': ['パスワード', 'Password'],
  'training.code': ['確認コード', 'Code'],
  'training.signIns': ['練習用のログイン', 'Practice sign-ins'],
} as const satisfies Readonly<Record<string, readonly [string, string]>>;
