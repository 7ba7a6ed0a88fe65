/**
 * The live scanner: camera view with an aiming frame and a "hold steady"
 * hint, a camera picker, a torch button where the camera has a torch, and
 * the handheld scanner, both feeding one `onRead`. Which of the two is on
 * follows the desk's scanner mode. A sight that comes to no single ticket
 * (codes that disagree, two tickets) goes to `onNotice`.
 */
import { useCallback } from 'react';
import { useT } from '../i18n/t';
import type { ReadSource } from '../stores/reception';
import { usePrefs } from '../stores/prefs';
import { useHandheldScanner } from '../scanner/handheld-dom';
import { useCameraScanner, type CameraNotice, type CameraRead } from '../scanner/useCameraScanner';

export interface ScannerPanelProps {
  readonly purpose: 'ticket' | 'pack' | 'any';
  readonly onRead: (text: string, source: ReadSource) => void;
  /** Misread codes, two tickets in view, a sight that gave nothing. */
  readonly onNotice?: (notice: CameraNotice, source: ReadSource) => void;
  /** Off while a dialog that takes typing is open. */
  readonly active?: boolean;
  /** A smaller view where scanning is a side task (adding a lot). */
  readonly compact?: boolean;
}

export function ScannerPanel({ purpose, onRead, onNotice, active = true, compact = false }: ScannerPanelProps) {
  const t = useT();
  const mode = usePrefs((s) => s.scannerMode);
  const cameraId = usePrefs((s) => s.cameraId);
  const setPrefs = usePrefs((s) => s.set);
  const cameraOn = active && mode !== 'handheld';
  const handheldOn = active && mode !== 'camera';

  const onCameraRead = useCallback(
    (read: CameraRead) =>
      onRead(read.text, { kind: 'camera', via: read.via, firstFrameAt: read.firstFrameAt, sightStartedAt: read.sightStartedAt, cameraSession: read.cameraSession }),
    [onRead],
  );
  const onCameraNotice = useCallback(
    (notice: CameraNotice) => onNotice?.(notice, { kind: 'camera', via: 'code', firstFrameAt: null, sightStartedAt: notice.sightStartedAt, cameraSession: 0 }),
    [onNotice],
  );
  const camera = useCameraScanner({ enabled: cameraOn, deviceId: cameraId, purpose, onRead: onCameraRead, onNotice: onCameraNotice });
  useHandheldScanner((text) => onRead(text, { kind: 'handheld' }), handheldOn);

  const status =
    camera.state === 'starting' ? t('scanner.starting')
    : camera.state === 'denied' ? t('scanner.denied')
    : camera.state === 'no-camera' ? t('scanner.noCamera')
    : camera.state === 'failed' ? t('scanner.failed')
    : camera.state === 'decoder-failed' ? t('scanner.decoderFailed')
    : camera.state === 'off' ? t('scanner.off')
    : null;

  return (
    <section className={`scanner${compact ? ' scanner--compact' : ''}`} data-testid="scanner" data-camera-state={camera.state} data-frame-source={camera.frameSource ?? undefined} aria-label={t('scanner.title')}>
      {cameraOn ? (
        <>
          <div className="scanner__view">
            <video ref={camera.videoRef} className="scanner__video" data-testid="scanner-video" muted playsInline autoPlay />
            <div className={`scanner__aim${camera.steady ? ' scanner__aim--steady' : ''}`} data-testid="aim-frame" aria-hidden="true">
              <span className="scanner__corner scanner__corner--tl" />
              <span className="scanner__corner scanner__corner--tr" />
              <span className="scanner__corner scanner__corner--bl" />
              <span className="scanner__corner scanner__corner--br" />
            </div>
            {status ? <p className="scanner__status">{status}</p> : null}
          </div>
          {/* Under the view, never over it: the aiming frame and the picture stay clear. */}
          <p className={`scanner__hint${camera.steady ? ' scanner__hint--steady' : ''}`} data-testid={camera.steady ? 'steady-hint' : 'aim-hint'} role="status">
            {camera.steady ? t('scanner.steady') : purpose === 'pack' ? t('scanner.aimPack') : purpose === 'any' ? t('scanner.aimAny') : t('scanner.aim')}
          </p>
        </>
      ) : (
        <p className="scanner__status scanner__status--off">{status}</p>
      )}
      <div className="scanner__controls">
        {cameraOn ? (
          <>
            <label className="scanner__picker">
              <span>{t('scanner.camera')}</span>
              <select data-testid="camera-select" value={cameraId} onChange={(event) => setPrefs({ cameraId: event.target.value })}>
                <option value="">{t('scanner.cameraAuto')}</option>
                {camera.cameras.map((c) => (
                  <option key={c.deviceId} value={c.deviceId}>
                    {c.label}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="button button--quiet" data-testid="camera-restart" onClick={camera.restart}>
              {t('scanner.restart')}
            </button>
            {camera.torch ? (
              <button type="button" className="button button--quiet" data-testid="camera-torch" aria-pressed={camera.torch.on} onClick={() => camera.setTorch(!camera.torch?.on)}>
                {camera.torch.on ? t('scanner.torchOff') : t('scanner.torchOn')}
              </button>
            ) : null}
          </>
        ) : null}
        {handheldOn ? (
          <span className="scanner__handheld" data-testid="handheld-ready">
            {t('scanner.handheldReady')}
          </span>
        ) : null}
      </div>
    </section>
  );
}
