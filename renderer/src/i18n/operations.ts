/**
 * What each operation of the contract is called in the audit log, in the
 * words staff use, Japanese first. The table is keyed by the contract's
 * operation names and must name every one of them: an operation added to
 * the contract without a label here fails the type check. Entries the core
 * writes for itself (not for a call) have their own small table; a name in
 * neither shows as "another operation", its name kept for the details.
 */
import type { OperationName } from '../../../src/api/contract';
import type { Language } from '../stores/prefs';

type Label = readonly [ja: string, en: string];

export const OPERATION_LABELS: { readonly [N in OperationName]: Label } = {
  signIn: ['ログイン', 'Signed in'],
  signOut: ['ログアウト', 'Signed out'],
  lockSession: ['画面をロック', 'Locked the screen'],
  unlockSession: ['ロックを解除', 'Unlocked the screen'],
  whoAmI: ['ログイン中の職員を確認（画面の自動更新）', 'Checked who is signed in (routine)'],
  listStaff: ['職員の一覧を表示', 'Listed staff'],
  createStaff: ['職員を追加', 'Added a staff member'],
  setStaffDisabled: ['職員を無効・有効に', 'Disabled or enabled a staff member'],
  secondFactorStatus: ['2段階認証の状態を確認（画面の自動更新）', 'Checked two-factor sign-in (routine)'],
  beginSecondFactorSetup: ['2段階認証の設定を開始', 'Began setting up two-factor sign-in'],
  confirmSecondFactorSetup: ['2段階認証を設定', 'Set up two-factor sign-in'],
  resetSecondFactor: ['2段階認証を解除', 'Reset a supervisor’s two-factor sign-in'],
  startTraining: ['練習モードを開始', 'Switched to training mode'],
  leaveTraining: ['練習モードを終了', 'Left training mode'],
  trainingSheet: ['練習用の接種券を作成', 'Made the practice tickets'],
  deviceStatus: ['端末の状態を確認（画面の自動更新）', 'Checked the device (routine)'],
  setupDevice: ['端末のはじめての設定', 'Set up the device'],
  configureDevice: ['端末の設定を変更', 'Changed the device settings'],
  addDesk: ['受付台を追加・名前を変更', 'Added or renamed a desk'],
  listDesks: ['受付台の一覧を表示', 'Listed the desks'],
  scanTicket: ['接種券を読み取り', 'Read a ticket'],
  ticketVerdict: ['受付の判定をやり直し', 'Checked a ticket again'],
  checkIn: ['受付', 'Checked in'],
  vaccinationQueue: ['接種待ちの一覧を表示', 'Listed people waiting'],
  todayCounts: ['本日の状況を表示', 'Showed today’s counts'],
  recordDose: ['接種を記録', 'Recorded a dose'],
  doseContext: ['接種前の確認事項を表示', 'Showed the checks before a dose'],
  getDoseRecord: ['接種記録を表示', 'Showed a dose record'],
  dosesToday: ['本日の接種記録を表示', 'Listed today’s doses'],
  voidRecord: ['記録を取り消し', 'Voided a record'],
  listProducts: ['製品の一覧を表示', 'Listed products'],
  listLots: ['ロットの一覧を表示', 'Listed lots'],
  addLot: ['ロットを追加', 'Added a lot'],
  setDeskLot: ['受付台の使用ロットを設定', 'Set a desk’s lot'],
  setDeskDoctor: ['受付台の予診医を設定', 'Set a desk’s doctor'],
  scanLot: ['バイアル・箱を読み取り', 'Read a vial or box'],
  importRoster: ['名簿・予約を取込', 'Imported the roster'],
  importProducts: ['製品マスタを取込', 'Imported the product master'],
  verifyAudit: ['操作ログを検証', 'Verified the audit log'],
  requestWalkIn: ['当日受付を依頼', 'Asked for a walk-in'],
  listWalkIns: ['当日受付の依頼を表示', 'Listed walk-in requests'],
  decideWalkIn: ['当日受付を承認・見送り', 'Decided a walk-in'],
  dayReport: ['日次集計を表示', 'Showed the day report'],
  explainDiscrepancy: ['不一致を説明', 'Explained a discrepancy'],
  closeDay: ['日を締めた', 'Closed the day'],
  reopenDay: ['日を再開', 'Reopened the day'],
  recordVialsOpened: ['開封バイアル数を記録', 'Recorded vials opened'],
  rerecordDose: ['取り消した接種を記録し直し', 'Recorded a voided dose again'],
  observationBoard: ['経過観察の一覧を表示', 'Showed the observation board'],
  observationTimes: ['経過観察の人数を確認（ロック中）', 'Counted observations (locked)'],
  endObservation: ['経過観察を終了（帰宅可・医師へ）', 'Ended an observation'],
  exportDoses: ['接種記録をCSV出力', 'Exported the doses (CSV)'],
  auditLog: ['操作ログを表示', 'Showed the audit log'],
  dayRecords: ['日の記録を表示', 'Showed the day’s records'],
  doseSlip: ['記録票を表示', 'Showed a slip'],
  backupNow: ['バックアップを作成', 'Made a backup'],
  listBackups: ['バックアップの一覧を表示', 'Listed backups'],
  planRestore: ['復元の内容を確認', 'Checked what a restore would do'],
  restoreBackup: ['バックアップから復元', 'Restored a backup'],
  recoverFromBackup: ['開けないデータベースを復元', 'Recovered from a backup'],
  diskStatus: ['ディスクの空きを確認（画面の自動更新）', 'Checked the disk (routine)'],
  syncStatus: ['同期の状態を確認（画面の自動更新）', 'Checked sync (routine)'],
  enrollmentStatus: ['中央サービスへの登録状況を確認', 'Checked the enrollment'],
  requestEnrollment: ['中央サービスに端末を登録', 'Enrolled the device'],
  listConflicts: ['同期の競合を表示', 'Listed sync conflicts'],
  resolveConflict: ['同期の競合を解決済みに', 'Resolved a sync conflict'],
  reportReaderHealth: ['読み取りの状態を報告', 'Reported reader health'],
  readerHealth: ['読み取りの状態を表示', 'Showed reader health'],
};

/** Entries the core writes on its own, not for a call from a screen. */
export const SYSTEM_ACTION_LABELS: Readonly<Record<string, Label>> = {
  auditEntriesLost: ['ディスクがいっぱいで残せなかった操作ログ', 'Audit entries lost to a full disk'],
  auditHeadForged: ['操作ログの末尾の印が不正', 'The audit log’s end mark was forged'],
  auditCentralMismatch: ['本部の控えと操作ログが不一致', 'The audit log differs from the central copy'],
  syncEnrolled: ['中央サービスへの登録が完了', 'Enrollment completed'],
  syncResend: ['本部にない記録を送り直し', 'Sent records again the central service lacked'],
};

export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(OPERATION_LABELS, name);
}

/** The action's label in staff words, or null for a name this screen does not know. */
export function actionLabel(action: string, language: Language): string | null {
  const label = isOperationName(action) ? OPERATION_LABELS[action] : Object.hasOwn(SYSTEM_ACTION_LABELS, action) ? SYSTEM_ACTION_LABELS[action] : undefined;
  return label ? label[language === 'ja' ? 0 : 1] : null;
}

/** Every action a filter can pick: the operations and the core's own entries. */
export const AUDIT_ACTIONS: readonly string[] = [...Object.keys(OPERATION_LABELS), ...Object.keys(SYSTEM_ACTION_LABELS)];
