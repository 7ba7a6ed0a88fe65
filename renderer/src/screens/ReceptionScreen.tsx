/**
 * Reception: scan (camera or handheld) or type, see the verdict at once in
 * large type, check in with one key or tap.
 */
import { useCallback, useRef } from 'react';
import { useVenueEvents } from '../api/events';
import { useShortcuts } from '../app/shortcuts';
import { ManualEntry } from '../components/ManualEntry';
import { ReceptionSlip } from '../components/ReceptionSlip';
import { ScannerPanel } from '../components/ScannerPanel';
import { VerdictCard } from '../components/VerdictCard';
import { useKeyCue } from '../stores/key-cue';
import { MIN_CARD_AGE_FOR_KEY_MS, useReception, type ReadSource } from '../stores/reception';

export function ReceptionScreen() {
  const card = useReception((s) => s.card);
  const submit = useReception((s) => s.submit);
  const checkIn = useReception((s) => s.checkIn);
  const requestWalkIn = useReception((s) => s.requestWalkIn);
  const refresh = useReception((s) => s.refresh);
  const clear = useReception((s) => s.clear);
  const manual = useRef<HTMLInputElement>(null);
  // A ticket number being typed: another entry is in progress, and the card on screen is no longer the person at the desk.
  const typing = useRef(false);
  const onTyping = useCallback(
    (now: boolean) => {
      typing.current = now;
      if (now) clear();
    },
    [clear],
  );

  const onRead = useCallback((text: string, source: ReadSource) => void submit(text, source), [submit]);
  const notice = useReception((s) => s.notice);
  const cue = useKeyCue((s) => s.ignored);
  // Enter and F2 check in only the person whose card is on screen, and only when nothing else is being entered.
  // A key that comes as the card appears was pressed for something else: it is ignored, and the screen says so.
  const checkInByKey = (event: KeyboardEvent) => {
    const now = useReception.getState().card;
    if (typing.current || (manual.current?.value ?? '') !== '') return;
    if (now?.kind !== 'verdict') return;
    if (performance.now() - now.shownAt >= MIN_CARD_AGE_FOR_KEY_MS) void checkIn();
    else cue(event.key);
  };
  const ignoredAfterScan = (key: string) => {
    if (useReception.getState().card?.kind === 'verdict') cue(key);
  };
  useShortcuts({ Enter: checkInByKey, F2: checkInByKey, Escape: clear, F4: () => manual.current?.focus() }, true, ignoredAfterScan);

  // A supervisor's decision on a walk-in shows up on the card that asked for it (made here, or arrived by sync from the supervisor's device).
  useVenueEvents(['walk-in', 'sync'], () => {
    const now = useReception.getState().card;
    if (now?.kind === 'verdict' && now.verdict.walkIn?.status === 'pending') void refresh();
  });

  return (
    <div className="screen screen--reception" data-testid="screen-reception">
      <div className="screen__side">
        <ScannerPanel purpose="ticket" onRead={onRead} onNotice={notice} />
        <ManualEntry ref={manual} onTyping={onTyping} onSubmit={(digits) => void submit(digits, { kind: 'manual' })} />
      </div>
      <div className="screen__main">
        <VerdictCard card={card} onCheckIn={() => void checkIn()} onWalkIn={() => void requestWalkIn()} onClear={clear} extra={<ReceptionSlip card={card} />} />
      </div>
    </div>
  );
}
