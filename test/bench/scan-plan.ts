/**
 * What reception scans in the memory bench's simulated hour, against the
 * synthetic roster (tickets 0000000001…, everyone booked today at the demo
 * venue for dose 1). A cycle of ten, as a busy desk sees them: mostly
 * people who are admitted and checked in, one admitted who steps aside
 * unchecked, one already checked in, and refusals that reach the core
 * (unknown ticket, another municipality) or stop on the page (a misread
 * check digit). Every 60th slot the camera reads instead (it has ticket 1 in
 * view; a restart starts a new camera session, so it reads it again).
 */
import { DEMO_MUNICIPALITY, OTHER_MUNICIPALITY, ticketLine } from '../fixtures/demo';

export interface ScanStep {
  readonly kind: 'handheld' | 'camera';
  /** What the handheld scanner types (empty for a camera read). */
  readonly text: string;
  /** The verdict code the card should show (READ_ERROR: refused on the page). */
  readonly expect: string;
  readonly checkIn: boolean;
}

/** 131017: 131016 with a wrong check digit, as a misread would give. */
const MISREAD_MUNICIPALITY = `${DEMO_MUNICIPALITY.slice(0, 5)}${(Number(DEMO_MUNICIPALITY[5]) + 1) % 10}`;
const CAMERA_EVERY = 60;

const number10 = (n: number) => String(n).padStart(10, '0');

export interface PlanOptions {
  /** The first roster ticket to admit; each admit takes the next one. */
  readonly firstTicket: number;
  /** Ticket numbers from here on are not in the roster. */
  readonly unknownFrom: number;
  /** Where in the cycle the plan starts (a plan that continues another). */
  readonly offset: number;
}

export function planScans(count: number, options: PlanOptions): ScanStep[] {
  let nextTicket = options.firstTicket;
  let nextUnknown = options.unknownFrom;
  let lastCheckedIn: number | null = null;
  const admit = (checkIn: boolean, nw7 = false): ScanStep => {
    const n = nextTicket++;
    if (checkIn) lastCheckedIn = n;
    return { kind: 'handheld', text: nw7 ? `A${number10(n)}A` : ticketLine(number10(n)), expect: 'OK', checkIn };
  };
  const steps: ScanStep[] = [];
  for (let i = 0; i < count; i++) {
    const slot = options.offset + i;
    if (slot % CAMERA_EVERY === CAMERA_EVERY / 2) {
      steps.push({ kind: 'camera', text: '', expect: 'OK', checkIn: false });
      continue;
    }
    switch (slot % 10) {
      case 2:
        steps.push({ kind: 'handheld', text: ticketLine(number10(nextUnknown++)), expect: 'UNKNOWN_TICKET', checkIn: false });
        break;
      case 3:
        steps.push(admit(true, true));
        break;
      case 4:
        steps.push(lastCheckedIn === null ? admit(true) : { kind: 'handheld', text: ticketLine(number10(lastCheckedIn)), expect: 'ALREADY_CHECKED_IN', checkIn: false });
        break;
      case 5:
        steps.push(admit(false));
        break;
      case 6:
        steps.push({ kind: 'handheld', text: ticketLine(number10(nextTicket), 1, OTHER_MUNICIPALITY), expect: 'OTHER_MUNICIPALITY', checkIn: false });
        break;
      case 8:
        steps.push({ kind: 'handheld', text: ticketLine(number10(nextTicket), 1, MISREAD_MUNICIPALITY), expect: 'READ_ERROR', checkIn: false });
        break;
      default:
        steps.push(admit(true));
    }
  }
  return steps;
}
