/**
 * Two kinds of forgetting. Every store that holds personal details (a
 * verdict, the queue, a saved record) registers how to forget them:
 * locking the screen, signing out and someone signing in wipe them all, so
 * nothing personal is left in memory or on screen.
 *
 * What a person was in the middle of (the screen they were on, a dose
 * form's site and observation choice, digits typed by hand: entries, and
 * the ids to find their record again, never names) outlives the idle lock
 * for the same person to find after unlocking. It is forgotten when the
 * session ends: signing out, or someone else signing in.
 */
const wipers = new Set<() => void>();
const enders = new Set<() => void>();

export function onWipe(wipe: () => void): void {
  wipers.add(wipe);
}

/** Registers how to forget what the lock keeps for the same person. */
export function onSessionEnd(end: () => void): void {
  enders.add(end);
}

/** The screen locks: personal details go; the person's own entries stay for them. */
export function wipePersonalData(): void {
  for (const wipe of wipers) wipe();
}

/** Signed out, or someone else signs in: personal details and every kept entry go. */
export function endSessionData(): void {
  wipePersonalData();
  for (const end of enders) end();
}
