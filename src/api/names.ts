import type { InputOf, OperationName, OutputOf } from './contract';
import type { VenueEvent } from './operation';
import type { Reply } from './reply';

/**
 * The operation names as plain data, for the preload and the browser shim,
 * which must not load the handlers. A test keeps this list equal to the
 * contract's keys; the compiler checks each name exists.
 */
export const OPERATION_NAMES = [
  'signIn',
  'signOut',
  'lockSession',
  'unlockSession',
  'whoAmI',
  'listStaff',
  'createStaff',
  'setStaffDisabled',
  'secondFactorStatus',
  'beginSecondFactorSetup',
  'confirmSecondFactorSetup',
  'resetSecondFactor',
  'startTraining',
  'leaveTraining',
  'trainingSheet',
  'deviceStatus',
  'setupDevice',
  'configureDevice',
  'addDesk',
  'listDesks',
  'scanTicket',
  'ticketVerdict',
  'checkIn',
  'vaccinationQueue',
  'todayCounts',
  'recordDose',
  'doseContext',
  'getDoseRecord',
  'dosesToday',
  'voidRecord',
  'listProducts',
  'listLots',
  'addLot',
  'setDeskLot',
  'setDeskDoctor',
  'scanLot',
  'importRoster',
  'importProducts',
  'verifyAudit',
  'requestWalkIn',
  'listWalkIns',
  'decideWalkIn',
  'dayReport',
  'explainDiscrepancy',
  'closeDay',
  'reopenDay',
  'recordVialsOpened',
  'rerecordDose',
  'observationBoard',
  'observationTimes',
  'endObservation',
  'exportDoses',
  'auditLog',
  'dayRecords',
  'doseSlip',
  'backupNow',
  'listBackups',
  'planRestore',
  'restoreBackup',
  'recoverFromBackup',
  'diskStatus',
  'syncStatus',
  'enrollmentStatus',
  'requestEnrollment',
  'listConflicts',
  'resolveConflict',
  'reportReaderHealth',
  'readerHealth',
] as const satisfies readonly OperationName[];

// Compile-time proof that the list names every operation: the other direction is the `satisfies` above.
type Unlisted = Exclude<OperationName, (typeof OPERATION_NAMES)[number]>;
export const EVERY_OPERATION_LISTED: [Unlisted] extends [never] ? true : Unlisted = true;

/** The session token never reaches the page (see Connection), so sign-in answers lack it. */
type PageOutput<N extends OperationName> = N extends 'signIn' ? Omit<OutputOf<N>, 'token'> : OutputOf<N>;

/** What the page calls: one async function per operation. */
export type VenueApi = {
  readonly [N in OperationName]: (input: InputOf<N>) => Promise<Reply<PageOutput<N>>>;
};

/**
 * window.venue: the operations, plus `subscribe` for what changed (a check-in
 * at another desk, a sync that brought records) so screens refresh at once.
 */
export type VenueBridge = VenueApi & {
  readonly subscribe: (listener: (event: VenueEvent) => void) => () => void;
};

/** The IPC channels of the Electron shell (and the message kinds of the browser host). */
export const CALL_CHANNEL = 'venue:call';
export const EVENT_CHANNEL = 'venue:event';
