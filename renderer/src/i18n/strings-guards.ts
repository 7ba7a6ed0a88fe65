/**
 * The words of the guards against wrong records (issue 12): the nurse's
 * product checks and required fields, the desk's doctor, the question before
 * switching person, the calm cards at reception, the clock warning, and the
 * close and reopen of a day. Japanese first, English beside it. Merged into
 * STRINGS.
 */
export const GUARD_STRINGS = {
  'verdict.word.info': ['接種済み（本日）', 'GIVEN TODAY'],
  'verdict.readErrorNote': [
    '読み取りがうまくいきませんでした。この方をお断りしたのではありません。接種券をもう一度読み取るか、番号を入力してください。',
    'The read did not work. Nobody has been refused. Scan the ticket again, or type its number.',
  ],

  'nurse.booked': ['予約の製品', 'Booked product'],
  'nurse.bookedWalkIn': ['当日受付で承認された製品', 'Product approved for the walk-in'],
  'nurse.bookedNone': ['予約なし', 'No booking'],
  'nurse.previousDoses': ['これまでの接種', 'Doses before'],
  'nurse.previousNone': ['なし（初回）', 'None (first dose)'],
  'nurse.checkTitle': ['このロットでは記録できません（確認が必要です）', 'Not recorded: this lot needs confirming'],
  'nurse.checkReason': ['確認した理由（医師の判断など）', 'Why (for example, the doctor’s decision)'],
  'nurse.checkConfirm': ['確認して記録する', 'Confirm and record'],
  'nurse.checkCancel': ['ロットを選び直す', 'Choose another lot'],
  'nurse.deskDoctor': ['この台の予診医（管理者が設定）：{name}', 'This desk’s doctor (set by the supervisor): {name}'],
  'nurse.deskDoctorNone': ['この台の予診医は設定されていません。予診医の名前を入力してください。', 'No doctor is set for this desk: type the doctor’s name.'],
  'nurse.useDeskDoctor': ['台の予診医に戻す', 'Use the desk’s doctor'],
  'nurse.switchTitle': ['別の方の接種券を読み取りました', 'Another person’s ticket was scanned'],
  'nurse.switchLead': [
    '{to} さんの接種券です。{from} さんの入力中の内容は残ります（戻ると元のとおりです）。切り替えますか？',
    'This is {to}’s ticket. What you entered for {from} is kept (it is there when you come back). Switch?',
  ],
  'nurse.switchTo': ['{to} さんに切り替える', 'Switch to {to}'],
  'nurse.switchStay': ['{from} さんのまま続ける', 'Stay with {from}'],

  'sup.deskDoctor': ['予診医（本日）', 'Doctor (today)'],
  'sup.deskDoctorSet': ['設定', 'Set'],
  'sup.deskDoctorNone': ['未設定', 'Not set'],

  'sync.clockAhead': ['この端末の時計が中央システムより約{n}分進んでいます。時計を合わせてください。', 'This device’s clock is about {n} min ahead of the central service. Set it right.'],
  'sync.clockBehind': ['この端末の時計が中央システムより約{n}分遅れています。時計を合わせてください。', 'This device’s clock is about {n} min behind the central service. Set it right.'],
  'sync.rejected': ['中央システムが受け付けなかった記録 {n}', 'Refused centrally {n}'],

  'day.count.notYetCome': ['これから来る予約', 'Still to come'],
  'day.close.start': ['締める…', 'Close the day…'],
  'day.close.confirmTitle': ['まだ終わっていないものがあります', 'Not everything is finished'],
  'day.close.confirmNone': ['残っているものはありません。', 'Nothing is left open.'],
  'day.close.waiting': ['受付済みで未接種 {n}人', '{n} checked in and not vaccinated'],
  'day.close.observing': ['経過観察中 {n}人', '{n} in observation'],
  'day.close.notYetCome': ['これから来る予約 {n}件', '{n} bookings still to come'],
  'day.close.unsent': ['未送信の記録 {n}件', '{n} records not yet sent'],
  'day.close.confirmLead': [
    '締めると、この日の受付と接種の記録はできなくなります（再開するには管理者が理由を入れて再開します）。受付済みで待っている方は、締める前に説明を入れてください。',
    'Once closed, no more check-ins or doses can be recorded for the day (a supervisor can reopen it with a reason). Explain each person still waiting before closing.',
  ],
  'day.close.confirmCheck': ['上の数を確認しました。このまま締めます。', 'I have checked the counts above. Close the day now.'],
  'day.close.confirmSubmit': ['確認して締める', 'Confirm and close'],
  'day.close.back': ['やめる', 'Cancel'],
  'day.reopen': ['この日を再開する…', 'Reopen this day…'],
  'day.reopen.reason': ['再開する理由', 'Why the day is reopened'],
  'day.reopen.submit': ['再開する', 'Reopen'],
  'day.history': ['締めと再開の記録', 'Closes and reopens'],
  'day.history.close': ['締め', 'Closed'],
  'day.history.reopen': ['再開', 'Reopened'],

  'backup.table.day_close_log': ['日の締め（すべて）', 'Day closes (all)'],
  'backup.table.day_reopens': ['日の再開', 'Day reopens'],
  'backup.table.desk_doctors': ['台の予診医', 'Desk doctors'],
} as const satisfies Record<string, readonly [string, string]>;
