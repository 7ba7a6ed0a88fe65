/**
 * Where the person is: the screen and the supervisor's tab. Kept through the
 * idle lock, so unlocking returns to the same screen (a nurse to the form
 * she left, the observation board to the board); each person starts at
 * their role's own screen after signing in.
 */
import { create } from 'zustand';
import { onSessionEnd } from './privacy';

export type ScreenName = 'reception' | 'nurse' | 'observation' | 'supervisor' | 'settings';

export const SUPERVISOR_TABS = ['desk', 'day', 'export', 'audit', 'staff', 'import'] as const;
export type SupervisorTab = (typeof SUPERVISOR_TABS)[number];

interface NavigationState {
  /** Null until the person picks a screen: their role's home. */
  readonly screen: ScreenName | null;
  readonly supervisorTab: SupervisorTab;
  show(screen: ScreenName): void;
  showTab(tab: SupervisorTab): void;
}

export const useNavigation = create<NavigationState>((set) => ({
  screen: null,
  supervisorTab: 'desk',
  show: (screen) => set({ screen }),
  showTab: (supervisorTab) => set({ supervisorTab }),
}));

onSessionEnd(() => useNavigation.setState({ screen: null, supervisorTab: 'desk' }));
