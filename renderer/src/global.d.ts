import type { VenueBridge } from '../../src/api/names';

/** A pushed event: something changed in the core (a check-in at another desk, a dose, a sync). */
export interface PushedEvent {
  readonly type: string;
  readonly id?: string;
}

declare global {
  interface Window {
    /**
     * The core, through the Electron preload or the browser host's shim: one
     * async function per operation answering a Reply, plus `subscribe` for
     * pushed events. The page's only way in.
     */
    readonly venue: VenueBridge;
  }
}
