/**
 * For a moment, where the hands are: "Enter was not taken: the card has
 * only just appeared. Look, then press again." (stores/key-cue.ts).
 */
import { useEffect } from 'react';
import { useT } from '../i18n/t';
import { CUE_SHOWN_MS, useKeyCue } from '../stores/key-cue';
import { InfoIcon } from './Icons';

export function KeyCue() {
  const t = useT();
  const cue = useKeyCue((s) => s.cue);
  const clear = useKeyCue((s) => s.clear);
  useEffect(() => {
    if (!cue) return;
    const timer = window.setTimeout(clear, CUE_SHOWN_MS);
    return () => window.clearTimeout(timer);
  }, [cue, clear]);
  if (!cue) return null;
  return (
    <p className="key-cue" role="status" data-testid="key-ignored" data-key={cue.key} key={cue.n}>
      <InfoIcon /> {t('keys.ignored', { key: cue.key })}
    </p>
  );
}
