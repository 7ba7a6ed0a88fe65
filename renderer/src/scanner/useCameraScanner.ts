/**
 * The camera scanner: getUserMedia into a <video> for the person to see, the
 * camera track's frames streamed to the decode worker (MediaStreamTrackProcessor;
 * the worker reads the newest frame each time it is free), and each code that
 * enters the view reported once (see presentation.ts). Where the browser has
 * no MediaStreamTrackProcessor, each frame the video presents is read back
 * (createImageBitmap) and sent while the worker is free; video-frames.ts says
 * why that is only the fallback.
 *
 * Each frame's reads go through the sight tracker (sight.ts): a ticket is
 * reported once, when its read is certain; codes of one ticket that
 * disagree, or two tickets at once, are reported as such instead. Frames
 * too blurred to read (quality.ts) show "hold steady". Frames of a sight
 * with no code go to the OCR worker, which reads the printed 18-digit line.
 * The camera is asked for continuous focus and up to 1080p (frames are
 * scaled to 1280 wide for decoding: a sharper picture than a 720p camera
 * mode), and its torch, where it has one, can be switched on.
 *
 * Timing for the latency figure: the first frame after a (re)start, whichever
 * saw it first (the video presenting it, or the worker taking it from the
 * track), is marked with performance.mark('venue:first-frame') and travels
 * with the reads of that camera session, so the verdict card can measure
 * first frame → verdict on screen.
 */
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { DEFAULT_DECODER, type CodeFormat, type ScanPurpose } from './decoder';
import type { FromWorker, ToWorker } from './protocol';
import { STEADY_SHARPNESS } from './quality';
import { EDGES_IN_VIEW, SightTracker, type ReadVia, type SightEvent } from './sight';

export type CameraState = 'off' | 'starting' | 'live' | 'denied' | 'no-camera' | 'failed' | 'decoder-failed';

export interface CameraRead {
  readonly text: string;
  readonly format: CodeFormat | 'ocr';
  /** A code, or the printed line (the card then asks staff to confirm name and date of birth). */
  readonly via: ReadVia;
  /** performance.now() of the first frame of this camera session. */
  readonly firstFrameAt: number | null;
  /** performance.now() of the first frame of this sight (the ticket entering view). */
  readonly sightStartedAt: number;
  readonly cameraSession: number;
}

/** What a sight came to, besides a read: the desk is told, and the reader's health counts it. */
export type CameraNotice = { readonly kind: 'misread' | 'two-tickets' | 'failed-sight'; readonly sightStartedAt: number };

export interface CameraScanner {
  readonly videoRef: RefObject<HTMLVideoElement | null>;
  readonly state: CameraState;
  /** Something is in view but too blurred to read: hold steady. */
  readonly steady: boolean;
  /** The camera has a torch (null: not known yet, or no camera). */
  readonly torch: { readonly on: boolean } | null;
  setTorch(on: boolean): void;
  readonly cameras: readonly { readonly deviceId: string; readonly label: string }[];
  /** How frames reach the decoder: the track's stream read in the worker, or read back on the page (the fallback). */
  readonly frameSource: 'stream' | 'readback' | null;
  restart(): void;
}

/** How long "hold steady" stays up after a frame too blurred to read. */
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

/** Image capture capabilities Chromium reports and lib.dom does not name. */
type CameraCapabilities = MediaTrackCapabilities & { focusMode?: string[]; torch?: boolean };

/** Continuous focus where the camera can; whether it has a torch. */
async function prepareTrack(track: MediaStreamTrack): Promise<{ on: boolean } | null> {
  const capabilities: CameraCapabilities = typeof track.getCapabilities === 'function' ? track.getCapabilities() : {};
  if (capabilities.focusMode?.includes('continuous')) {
    await track.applyConstraints({ advanced: [{ focusMode: 'continuous' } as MediaTrackConstraintSet] }).catch(() => undefined);
  }
  return capabilities.torch ? { on: false } : null;
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

interface Options {
  readonly enabled: boolean;
  readonly deviceId: string;
  readonly purpose: ScanPurpose;
  readonly onRead: (read: CameraRead) => void;
  readonly onNotice?: (notice: CameraNotice) => void;
}

export function useCameraScanner(options: Options): CameraScanner {
  const { enabled, deviceId, purpose } = options;
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const onRead = useRef(options.onRead);
  onRead.current = options.onRead;
  const onNotice = useRef(options.onNotice);
  onNotice.current = options.onNotice;
  const [torch, setTorchState] = useState<CameraScanner['torch']>(null);
  const track = useRef<MediaStreamTrack | null>(null);
  const [state, setState] = useState<CameraState>(enabled ? 'starting' : 'off');
  const [steady, setSteady] = useState(false);
  const [cameras, setCameras] = useState<CameraScanner['cameras']>([]);
  const [restarts, setRestarts] = useState(0);
  const [frameSource, setFrameSource] = useState<CameraScanner['frameSource']>(null);

  const worker = useRef<Worker | null>(null);
  const workerReady = useRef(false);
  const session = useRef(0);
  const sessionInfo = useRef({ id: 0, firstFrameAt: null as number | null, tracker: new SightTracker() });
  const busy = useRef(false);
  const steadyTimer = useRef<number | null>(null);

  // One worker for the life of the scanner; the camera may restart many times.
  useEffect(() => {
    if (!enabled) return;
    const w = new Worker(new URL('./decode.worker.ts', import.meta.url), { type: 'module', name: 'decoder' });
    worker.current = w;
    workerReady.current = false;
    // The printed line is read on a thread of its own, fed by the decode worker over a channel.
    const ocr = purpose === 'pack' ? null : new Worker(new URL('./ocr.worker.ts', import.meta.url), { type: 'module', name: 'ocr' });
    const dispatch = (events: readonly SightEvent[]) => {
      const info = sessionInfo.current;
      for (const event of events) {
        if (event.kind === 'read') {
          onRead.current({ text: event.text, format: event.format, via: event.via, firstFrameAt: info.firstFrameAt, sightStartedAt: event.sightStartedAt, cameraSession: info.id });
        } else onNotice.current?.({ kind: event.kind, sightStartedAt: event.sightStartedAt });
      }
    };
    w.onmessage = (event: MessageEvent<FromWorker>) => {
      const message = event.data;
      if (message.type === 'ready') workerReady.current = true;
      else if (message.type === 'failed') setState('decoder-failed');
      else if (message.type === 'ocr') {
        const info = sessionInfo.current;
        if (message.id !== info.id || message.lines.length === 0) return;
        dispatch(info.tracker.observe({ at: message.frameAt - performance.timeOrigin, codes: [], lines: message.lines }));
      } else if (message.type === 'result') {
        busy.current = false;
        const info = sessionInfo.current;
        // A result from before a restart belongs to an old presentation: drop it.
        if (message.id !== info.id) return;
        // The worker may take the session's first frame before the video presents it: the earlier of the two counts.
        const at = message.frameAt - performance.timeOrigin;
        markFirstFrame(info, at);
        dispatch(info.tracker.observe({ at, codes: message.codes, quality: message.quality }));
        const { quality } = message;
        const blurred = quality.edges >= EDGES_IN_VIEW && quality.sharpness < STEADY_SHARPNESS;
        if (message.codes.length === 0 && (blurred || message.seen)) {
          setSteady(true);
          if (steadyTimer.current !== null) window.clearTimeout(steadyTimer.current);
          steadyTimer.current = window.setTimeout(() => setSteady(false), STEADY_MS);
        }
      }
    };
    w.postMessage({ type: 'init', engine: DEFAULT_DECODER, purpose } satisfies ToWorker);
    if (ocr) {
      const channel = new MessageChannel();
      ocr.postMessage({ port: channel.port2 }, [channel.port2]);
      w.postMessage({ type: 'ocr-port', port: channel.port1 } satisfies ToWorker, [channel.port1]);
    }
    return () => {
      w.terminate();
      ocr?.terminate();
      worker.current = null;
      workerReady.current = false;
      busy.current = false;
      if (steadyTimer.current !== null) window.clearTimeout(steadyTimer.current);
    };
  }, [enabled, purpose]);

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
    sessionInfo.current = { id, firstFrameAt: null, tracker: new SightTracker() };
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
        // The most detail a desk camera gives at a usable frame rate; decoding scales it to 1280 wide.
        width: { ideal: 1920 },
        height: { ideal: 1080 },
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
        const videoTrack = stream.getVideoTracks()[0];
        track.current = videoTrack ?? null;
        if (videoTrack) setTorchState(await prepareTrack(videoTrack));
        streaming = w !== null && streamToWorker(w, id, videoTrack);
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
      for (const t of stream?.getTracks() ?? []) t.stop();
      track.current = null;
      setTorchState(null);
      if (video) video.srcObject = null;
    };
  }, [enabled, deviceId, restarts]);

  const restart = useCallback(() => setRestarts((n) => n + 1), []);
  const setTorch = useCallback((on: boolean) => {
    const t = track.current;
    if (!t) return;
    t.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] }).then(
      () => setTorchState({ on }),
      () => setTorchState(null),
    );
  }, []);
  return { videoRef, state, steady, cameras, frameSource, restart, torch, setTorch };
}
