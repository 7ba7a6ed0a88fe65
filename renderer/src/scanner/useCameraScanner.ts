/**
 * The camera scanner: getUserMedia into a <video> for the person to see, the
 * camera track's frames streamed to the decode worker (MediaStreamTrackProcessor;
 * the worker reads the newest frame each time it is free), and each code that
 * enters the view reported once (see presentation.ts). Where the browser has
 * no MediaStreamTrackProcessor, each frame the video presents is read back
 * (createImageBitmap) and sent while the worker is free; video-frames.ts says
 * why that is only the fallback.
 *
 * Timing for the latency figure: the first frame after a (re)start, whichever
 * saw it first (the video presenting it, or the worker taking it from the
 * track), is marked with performance.mark('venue:first-frame') and travels
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
  /** How frames reach the decoder: the track's stream read in the worker, or read back on the page (the fallback). */
  readonly frameSource: 'stream' | 'readback' | null;
  restart(): void;
}

/** How long "hold steady" stays up after a symbol was seen but not read. */
const STEADY_MS = 900;
/** Frames wider than this are scaled down before decoding (tickets fill much of the view). */
const MAX_DECODE_WIDTH = 1280;

/** Chromium's MediaStreamTrackProcessor (not in lib.dom): a video track as a stream of VideoFrames. */
type TrackProcessorConstructor = new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => { readonly readable: ReadableStream<VideoFrame> };

/** Streams the track's frames to the worker; false when this browser cannot (then the page reads frames back). */
function streamToWorker(worker: Worker, id: number, track: MediaStreamTrack | undefined): boolean {
  const Processor = (globalThis as { MediaStreamTrackProcessor?: TrackProcessorConstructor }).MediaStreamTrackProcessor;
  if (!Processor || !track) return false;
  try {
    // One frame buffered: while a decode runs, older frames are dropped for the newest.
    const { readable } = new Processor({ track, maxBufferSize: 1 });
    worker.postMessage({ type: 'stream', id, frames: readable } satisfies ToWorker, [readable as unknown as Transferable]);
    return true;
  } catch {
    return false;
  }
}

/** Marks the first frame of a camera session (page time), once; an earlier sighting moves it back. */
function markFirstFrame(info: { readonly id: number; firstFrameAt: number | null }, at: number): void {
  if (!Number.isFinite(at) || (info.firstFrameAt !== null && info.firstFrameAt <= at)) return;
  info.firstFrameAt = at;
  performance.clearMarks('venue:first-frame');
  performance.mark('venue:first-frame', { startTime: Math.max(0, at), detail: { cameraSession: info.id } });
}

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
  const [frameSource, setFrameSource] = useState<CameraScanner['frameSource']>(null);

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
        // The worker may take the session's first frame before the video presents it: the earlier of the two counts.
        markFirstFrame(info, message.frameAt - performance.timeOrigin);
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
    /** The worker reads the track's frames itself; the page only marks the first frame. */
    let streaming = false;
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
      if (sessionInfo.current.id === id) markFirstFrame(sessionInfo.current, performance.now());
      if (streaming) return;
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
        const w = worker.current;
        streaming = w !== null && streamToWorker(w, id, stream.getVideoTracks()[0]);
        setFrameSource(streaming ? 'stream' : 'readback');
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
  return { videoRef, state, steady, cameras, frameSource, restart };
}
