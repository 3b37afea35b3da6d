/**
 * Camera frames for the live view: the capture sent to the backend (a JPEG no larger than the
 * detector's input), the wait for the camera's next frame, and what a failed start means.
 */

/** Longer side of the frames sent: the detector's own input size (YuNet runs at 640). */
const FRAME_MAX_SIDE = 640;
const JPEG_QUALITY = 0.8;

/** Draws the video into `canvas` at most FRAME_MAX_SIDE wide or tall; returns the JPEG's base64. */
export function captureJpeg(video: HTMLVideoElement, canvas: HTMLCanvasElement): string {
  const scale = Math.min(1, FRAME_MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
  const w = Math.round(video.videoWidth * scale);
  const h = Math.round(video.videoHeight * scale);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  canvas.getContext('2d')!.drawImage(video, 0, 0, w, h);
  return jpegBase64(canvas);
}

/** The canvas as a JPEG, base64 without the data-URL prefix (what the live requests carry). */
export function jpegBase64(canvas: HTMLCanvasElement): string {
  const url = canvas.toDataURL('image/jpeg', JPEG_QUALITY);
  return url.slice(url.indexOf(',') + 1);
}

/** Resolves on the next new video frame (or after 100 ms, so a stalled camera cannot hang the loop). */
export function nextVideoFrame(video: HTMLVideoElement): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    video.requestVideoFrameCallback(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** What to tell the user when getUserMedia fails, by the DOMException's name. */
export function cameraError(e: unknown): string {
  const name = (e as DOMException)?.name;
  if (name === 'NotAllowedError')
    return 'The camera was not allowed: allow it for this page (or in the system settings) and press Start.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return 'No camera found: connect one and press Start.';
  if (name === 'NotReadableError') return 'The camera is in use by another application.';
  return `The camera could not start: ${(e as Error)?.message ?? String(e)}`;
}
