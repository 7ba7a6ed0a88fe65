/**
 * The script the browser host injects into the page (served at
 * /__host/shim.js, never part of the renderer build). It gives the page the
 * same `window.venue` the Electron preload gives: one async function per
 * operation, each answering a Reply, plus `subscribe` for pushed
 * events. Calls travel over one WebSocket that carries the per-launch token.
 *
 * Plain ES2020 in a string: it runs as a classic script before the app's
 * module, so `window.venue` exists by the time the app starts.
 */
export const SHIM_PATH = '/__host/shim.js';
export const SOCKET_PATH = '/__host/ws';

/** The code a call answers when the line to the host is down: nothing reached the core. */
export const TRANSPORT_CLOSED = 'TRANSPORT_CLOSED';

export function shimSource(operationNames: readonly string[]): string {
  return `(() => {
  'use strict';
  const NAMES = ${JSON.stringify(operationNames)};
  const TOKEN_KEY = 'venue-host-token';
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    // The token leaves the address bar (and screenshots) at once; a reload finds it in sessionStorage.
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', location.pathname + (rest ? '?' + rest : '') + location.hash);
  }
  const token = fromUrl || sessionStorage.getItem(TOKEN_KEY) || '';
  const listeners = new Set();
  const pending = new Map();
  let outbox = [];
  let socket = null;
  let nextId = 1;
  let retryMs = 250;

  const closedReply = () => ({
    ok: false,
    error: {
      code: '${TRANSPORT_CLOSED}',
      message: { ja: 'ホストとの接続が切れました。もう一度試してください。', en: 'The connection to the host was lost. Try again.' },
    },
  });

  function emit(event) {
    for (const listener of Array.from(listeners)) {
      try { listener(event); } catch (error) { console.error('venueEvents listener failed', error); }
    }
  }

  function connect() {
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '${SOCKET_PATH}?token=' + encodeURIComponent(token);
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
      const waiting = outbox;
      outbox = [];
      for (const message of waiting) ws.send(message);
      emit({ type: 'transport:open' });
    };
    ws.onmessage = (message) => {
      let data;
      try { data = JSON.parse(message.data); } catch { return; }
      if (data && typeof data.id === 'number' && pending.has(data.id)) {
        const resolve = pending.get(data.id);
        pending.delete(data.id);
        resolve(data.reply);
      } else if (data && data.event && typeof data.event.type === 'string') {
        emit(data.event);
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      // Calls in flight may or may not have run; the page must ask again.
      for (const resolve of pending.values()) resolve(closedReply());
      pending.clear();
      outbox = [];
      emit({ type: 'transport:closed' });
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  }

  function call(op, input) {
    return new Promise((resolve) => {
      const id = nextId++;
      const message = JSON.stringify({ id, op, input: input === undefined ? {} : input });
      pending.set(id, resolve);
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(message);
      else outbox.push(message);
    });
  }

  function subscribe(listener) {
    listeners.add(listener);
    return () => { listeners.delete(listener); };
  }
  // The same shape as the Electron preload: the operations plus subscribe, frozen.
  const venue = { subscribe };
  for (const name of NAMES) venue[name] = (input) => call(name, input);
  Object.defineProperty(window, 'venue', { value: Object.freeze(venue), enumerable: true });
  connect();
})();
`;
}
