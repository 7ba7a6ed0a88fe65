import type { OperationName } from './contract';
import type { Reply } from './reply';
import type { InputOf, OutputOf } from './contract';

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
  'deviceStatus',
  'setupDevice',
  'configureDevice',
  'addDesk',
  'listDesks',
  'scanTicket',
  'checkIn',
  'vaccinationQueue',
  'todayCounts',
  'recordDose',
  'getDoseRecord',
  'dosesToday',
  'voidRecord',
  'listProducts',
  'listLots',
  'addLot',
  'setDeskLot',
  'scanLot',
  'importRoster',
  'importProducts',
  'verifyAudit',
  'requestWalkIn',
  'listWalkIns',
  'decideWalkIn',
] as const satisfies readonly OperationName[];

/** What the page sees as window.venue: one async function per operation. */
export type VenueApi = {
  readonly [N in OperationName]: (input: InputOf<N>) => Promise<Reply<OutputOf<N>>>;
};
