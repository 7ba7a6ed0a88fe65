/**
 * The words of issue 14's screens: the audit log in staff words, the
 * lock screen's board, walk-in badges, the cue for an ignored key, the
 * sounds' settings, and the verdict's words for cards that need a look
 * rather than a refusal. Japanese first, English beside it. Merged into
 * STRINGS.
 */
export const SCREEN_STRINGS = {
  'verdict.word.checkedIn': ['受付済み', 'CHECKED IN'],
  'verdict.word.waiting': ['承認待ち', 'WAITING'],

  'lock.board': ['経過観察中 {n}人', '{n} under observation'],
  'lock.boardNone': ['経過観察中の人はいません', 'No one under observation'],
  'lock.boardDue': ['うち{n}人は観察の時間が終わりました', '{n} of them due now'],

  'walkIn.badge': ['当日受付 {n}', 'Walk-ins {n}'],
  'keys.ignored': [
    '{key} を受け付けませんでした：結果が出た直後です。画面を確かめてから、もう一度押してください。',
    '{key} was not taken: the result has only just appeared. Check the screen, then press again.',
  ],

  'day.close.jump': ['この日を締める…', 'Close this day…'],

  'settings.volume': ['音量', 'Volume'],
  'settings.tone': ['この受付の音の高さ（隣の受付と聞き分けるため）', 'This desk’s pitch (to tell it from the next desk)'],
  'settings.tone.standard': ['標準', 'Standard'],
  'settings.tone.high': ['高め', 'Higher'],
  'settings.tone.low': ['低め', 'Lower'],
  'settings.test': ['音を試す', 'Try the sounds'],
  'settings.testHint': ['いまの音量と高さで鳴らします（結果の音を切っていても鳴ります）。', 'Played at this desk’s volume and pitch (even with result sounds off).'],
  'sound.ok': ['受付可', 'Admit'],
  'sound.refusal': ['受付不可', 'Refused'],
  'sound.misread': ['読み取り失敗', 'Not read'],
  'sound.notice': ['受付済み・本日接種済み', 'Known today'],
  'sound.alert': ['経過観察の時間', 'Observation over'],
  'sound.walkIn': ['当日受付の依頼', 'Walk-in request'],

  'audit.rec.checkin': ['受付', 'Check-in'],
  'audit.rec.dose': ['接種記録', 'Dose record'],
  'audit.rec.staff': ['職員', 'Staff'],
  'audit.rec.lot': ['ロット', 'Lot'],
  'audit.rec.walkIn': ['当日受付の依頼', 'Walk-in request'],
  'audit.rec.desk': ['受付台', 'Desk'],
  'audit.about': ['{record} について', 'About {record}'],
  'audit.recordUnnamed': ['（記録IDは詳細に）', '(record id in the details)'],
  'audit.staffUnknown': ['不明な職員', 'Unknown staff member'],
  'audit.system': ['システム', 'The system'],
  'audit.actionOther': ['その他の操作（名前は詳細に）', 'Another operation (name in the details)'],
  'audit.detail.seq': ['番号', 'Number'],
  'audit.detail.action': ['操作の名前', 'Operation name'],
  'audit.detail.code': ['結果のコード', 'Outcome code'],
  'audit.detail.record': ['記録ID', 'Record id'],
  'audit.detail.staff': ['職員ID', 'Staff id'],
  'audit.detail.desk': ['受付台コード', 'Desk code'],
  'audit.outcome.other': ['できませんでした', 'Not done'],
  'audit.outcome.FORBIDDEN': ['権限なし', 'Not allowed'],
  'audit.outcome.SESSION_LOCKED': ['ロック中', 'Screen locked'],
  'audit.outcome.NOT_SIGNED_IN': ['未ログイン', 'Not signed in'],
  'audit.outcome.SESSION_ENDED': ['ログインが切れていた', 'Session had ended'],
  'audit.outcome.WRONG_CREDENTIALS': ['IDかパスワードの誤り', 'Wrong ID or password'],
  'audit.outcome.VALIDATION': ['入力の誤り', 'Input not valid'],
  'audit.outcome.INDIVIDUAL_NUMBER': ['個人番号のため拒否', 'Refused: an individual number'],
  'audit.outcome.DISK_FULL': ['ディスクがいっぱい', 'Disk full'],
  'audit.outcome.DAY_CLOSED': ['締め済みの日', 'Day closed'],
  'audit.outcome.CHECK_CONFIRMATION_REQUIRED': ['製品の確認が必要', 'Product check to confirm'],
  'audit.outcome.EXPIRED_LOT': ['期限切れのロット', 'Lot expired'],
  'audit.outcome.INTERNAL': ['予期しないエラー', 'Unexpected error'],
} as const satisfies Record<string, readonly [string, string]>;
