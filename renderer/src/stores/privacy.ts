/**
 * Every store that holds personal details (a verdict, the queue, a saved
 * record) registers how to forget them. Locking the screen or signing out
 * wipes them all, so nothing personal is left in memory or on screen.
 */
const wipers = new Set<() => void>();

export function onWipe(wipe: () => void): void {
  wipers.add(wipe);
}

export function wipePersonalData(): void {
  for (const wipe of wipers) wipe();
}
