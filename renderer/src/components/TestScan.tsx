/**
 * The test scan (Settings): the desk's own handheld scanner reads any code,
 * the gaps between its keys are measured, and the burst detector is set for
 * that scanner (how far apart its keys may come, and how long it may pause
 * between clumps), so a slow or clumpy Bluetooth scanner is read as one scan
 * and never as a read error plus stray digits. Typing cannot pass for a scan
 * whatever is measured (handheld.ts bounds both gaps).
 */
import { useEffect, useState } from 'react';
import { useT } from '../i18n/t';
import { calibrateBurst, DEFAULT_BURST, type KeyStroke } from '../scanner/handheld';
import { listenForTestScan } from '../scanner/handheld-dom';
import { usePrefs } from '../stores/prefs';

type Phase = { readonly kind: 'idle' } | { readonly kind: 'listening' } | { readonly kind: 'done'; readonly keys: number; readonly medianMs: number; readonly longestMs: number };

export function TestScan() {
  const t = useT();
  const burst = usePrefs((s) => s.burst);
  const setPrefs = usePrefs((s) => s.set);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });

  useEffect(() => {
    if (phase.kind !== 'listening') return;
    const strokes: KeyStroke[] = [];
    const stop = listenForTestScan((event) => {
      if (event.key !== 'Enter' && event.key !== 'Tab') {
        strokes.push({ key: event.key, time: event.timeStamp, ctrlKey: event.ctrlKey, altKey: event.altKey, metaKey: event.metaKey });
        return;
      }
      const chars = strokes.filter((s) => s.key.length === 1).map((s) => s.time);
      if (chars.length < DEFAULT_BURST.minLength) return;
      const gaps = chars.slice(1).map((time, i) => time - chars[i]!).sort((a, b) => a - b);
      setPrefs({ burst: calibrateBurst(strokes) });
      setPhase({ kind: 'done', keys: chars.length, medianMs: Math.round(gaps[gaps.length >> 1] ?? 0), longestMs: Math.round(gaps[gaps.length - 1] ?? 0) });
    });
    return stop;
  }, [phase.kind, setPrefs]);

  return (
    <div className="field" data-testid="test-scan">
      <span>{t('settings.testScan')}</span>
      <p className="field__hint">{t('settings.testScanHint')}</p>
      <p className="field__hint" data-testid="test-scan-gap" data-max-gap={burst?.maxGapMs ?? DEFAULT_BURST.maxGapMs} data-split-gap={burst?.splitGapMs ?? DEFAULT_BURST.splitGapMs}>
        {t('settings.testScanGap', { gap: burst?.maxGapMs ?? DEFAULT_BURST.maxGapMs, pause: burst?.splitGapMs ?? DEFAULT_BURST.splitGapMs })}
      </p>
      {phase.kind === 'listening' ? (
        <p className="notice" role="status" data-testid="test-scan-listening">
          {t('settings.testScanListening')}
        </p>
      ) : null}
      {phase.kind === 'done' ? (
        <p className="notice notice--ok" role="status" data-testid="test-scan-result">
          {t('settings.testScanDone', { keys: phase.keys, median: phase.medianMs, longest: phase.longestMs })}
        </p>
      ) : null}
      <div className="chips">
        <button type="button" className="button" data-testid="test-scan-start" onClick={() => setPhase({ kind: 'listening' })} disabled={phase.kind === 'listening'}>
          {t('settings.testScanStart')}
        </button>
        {burst ? (
          <button type="button" className="button button--quiet" data-testid="test-scan-reset" onClick={() => (setPrefs({ burst: null }), setPhase({ kind: 'idle' }))}>
            {t('settings.testScanReset')}
          </button>
        ) : null}
      </div>
    </div>
  );
}
