/**
 * The camera scanner: getUserMedia into a <video>, each new frame (taken as
 * the video presents it) sent to the decode worker while the worker is free,
 * and each code that enters the view reported once (see presentation.ts).
 *
 * Timing for the latency figure: the first frame the page receives after a
 * (re)start is marked with performance.mark('venue:first-frame') and travels
 * with the reads of that camera session, so the verdict card can measure
 * first frame → verdict on screen.
 */
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { DEFAULT_DECODER, type CodeFormat } from './decoder';
import { PresentationTracker } from './presentation';
import type { FromWorker, ToWorker } from './protocol';

export type CameraState = 'off' | 'starting' | 'live' | 'denied' | 'no-camera' | 'failed' | 'decoder-failed';

export interface CameraRead {
  readonly text: string;
  readonly format: CodeFormat;
  /** performance.now() of the first frame of this camera session. */
  readonly firstFrameAt: number | null;
  readonly cameraSession: number;
}

export interface CameraScanner {
  readonly videoRef: RefObject<HTMLVideoElement | null>;
  readonly state: CameraState;
  /** A code is in view but not readable yet. */
  readonly steady: boolean;
  readonly cameras: readonly { readonly deviceId: string; readonly label: string }[];
  restart(): void;
}

/** How long "hold steady" stays up after a symbol was seen but not read. */
const STEADY_MS = 900;
/** Frames wider than this are scaled down before decoding (tickets fill much of the view). */
const MAX_DECODE_WIDTH = 1280;

type VideoWithFrames = HTMLVideoElement & {
  requestVideoFrameCallback?: (callback: (now: number) => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

function cameraError(error: unknown): CameraState {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'no-camera';
  return 'failed';
}

export function useCameraScanner(options: { enabled: boolean; deviceId: string; onRead: (read: CameraRead) => void }): CameraScanner {
  const { enabled, deviceId } = options;
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const onRead = useRef(options.onRead);
  onRead.current = options.onRead;
  const [state, setState] = useState<CameraState>(enabled ? 'starting' : 'off');
  const [steady, setSteady] = useState(false);
  const [cameras, setCameras] = useState<CameraScanner['cameras']>([]);
  const [restarts, setRestarts] = useState(0);

  const worker = useRef<Worker | null>(null);
  const workerReady = useRef(false);
  const session = useRef(0);
  const sessionInfo = useRef({ id: 0, firstFrameAt: null as number | null, tracker: new PresentationTracker() });
  const busy = useRef(false);
  const steadyTimer = useRef<number | null>(null);

  // One worker for the life of the scanner; the camera may restart many times.
  useEffect(() => {
    if (!enabled) return;
    const w = new Worker(new URL('./decode.worker.ts', import.meta.url), { type: 'module', name: 'decoder' });
    worker.current = w;
    workerReady.current = false;
    w.onmessage = (event: MessageEvent<FromWorker>) => {
      const message = event.data;
      if (message.type === 'ready') workerReady.current = true;
      else if (message.type === 'failed') setState('decoder-failed');
      else if (message.type === 'result') {
        busy.current = false;
        const info = sessionInfo.current;
        // A result from before a restart belongs to an old presentation: drop it.
        if (message.id !== info.id) return;
        const fresh = info.tracker.observe(
          message.codes.map((c) => c.text),
          performance.now(),
        );
        for (const text of fresh) {
          const code = message.codes.find((c) => c.text === text);
          if (code) onRead.current({ text, format: code.format, firstFrameAt: info.firstFrameAt, cameraSession: info.id });
        }
        if (message.seen && message.codes.length === 0) {
          setSteady(true);
          if (steadyTimer.current !== null) window.clearTimeout(steadyTimer.current);
          steadyTimer.current = window.setTimeout(() => setSteady(false), STEADY_MS);
        }
      }
    };
    w.postMessage({ type: 'init', engine: DEFAULT_DECODER } satisfies ToWorker);
    return () => {
      w.terminate();
      worker.current = null;
      workerReady.current = false;
      busy.current = false;
      if (steadyTimer.current !== null) window.clearTimeout(steadyTimer.current);
    };
  }, [enabled]);

  useEffect(() => {
    if (!enabled) {
      setState('off');
      return;
    }
    let cancelled = false;
    let stream: MediaStream | null = null;
    let frameHandle: number | null = null;
    const video = videoRef.current as VideoWithFrames | null;
    session.current += 1;
    const id = session.current;
    sessionInfo.current = { id, firstFrameAt: null, tracker: new PresentationTracker() };
    busy.current = false;
    setState('starting');

    const grab = () => {
      const w = worker.current;
      if (!video || !w || !workerReady.current || busy.current || video.videoWidth === 0) return;
      busy.current = true;
      const scale = Math.min(1, MAX_DECODE_WIDTH / video.videoWidth);
      const resize = scale < 1 ? { resizeWidth: Math.round(video.videoWidth * scale), resizeHeight: Math.round(video.videoHeight * scale) } : {};
      createImageBitmap(video, resize).then(
        (bitmap) => {
          if (cancelled || worker.current !== w) {
            bitmap.close();
            busy.current = false;
            return;
          }
          w.postMessage({ type: 'frame', id, bitmap } satisfies ToWorker, [bitmap]);
        },
        () => {
          busy.current = false;
        },
      );
    };

    const onFrame = () => {
      if (cancelled || !video) return;
      if (sessionInfo.current.id === id && sessionInfo.current.firstFrameAt === null) {
        sessionInfo.current.firstFrameAt = performance.now();
        performance.mark('venue:first-frame', { detail: { cameraSession: id } });
      }
      grab();
      schedule();
    };
    const schedule = () => {
      if (cancelled || !video) return;
      if (video.requestVideoFrameCallback) frameHandle = video.requestVideoFrameCallback(onFrame);
      else frameHandle = window.setTimeout(onFrame, 50);
    };

    const constraints: MediaStreamConstraints = {
      audio: false,
      video: {
        ...(deviceId ? { deviceId: { exact: deviceId } } : { facingMode: { ideal: 'environment' } }),
        width: { ideal: 1280 },
        height: { ideal: 720 },
      },
    };
    (async () => {
      try {
        if (!navigator.mediaDevices?.getUserMedia) throw new DOMException('no camera API', 'NotFoundError');
        stream = await navigator.mediaDevices.getUserMedia(constraints);
        if (cancelled || !video) return;
        video.srcObject = stream;
        video.muted = true;
        await video.play();
        if (cancelled) return;
        setState('live');
        schedule();
        const devices = await navigator.mediaDevices.enumerateDevices();
        if (!cancelled) {
          setCameras(
            devices.filter((d) => d.kind === 'videoinput').map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Camera ${i + 1}` })),
          );
        }
      } catch (error) {
        if (!cancelled) setState(cameraError(error));
      }
    })();

    return () => {
      cancelled = true;
      if (frameHandle !== null) {
        if (video?.cancelVideoFrameCallback) video.cancelVideoFrameCallback(frameHandle);
        else window.clearTimeout(frameHandle);
      }
      for (const track of stream?.getTracks() ?? []) track.stop();
      if (video) video.srcObject = null;
    };
  }, [enabled, deviceId, restarts]);

  const restart = useCallback(() => setRestarts((n) => n + 1), []);
  return { videoRef, state, steady, cameras, restart };
}
