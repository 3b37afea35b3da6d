/**
 * The one RGB -> gray formula of every image path (photos, dataset folders, camera
 * frames): BT.601 luma in 14-bit fixed point, exactly OpenCV's RGB2GRAY, so gray
 * pixels are whole numbers computed the same way on every runtime.
 */

/** width*height*3 RGB -> width*height luma. */
export function rgbToGray(rgb: Uint8Array): Uint8Array {
  const gray = new Uint8Array(rgb.length / 3);
  for (let i = 0, j = 0; i < gray.length; i++, j += 3) {
    gray[i] = (rgb[j] * 4899 + rgb[j + 1] * 9617 + rgb[j + 2] * 1868 + 8192) >> 14;
  }
  return gray;
}

/** RGBA bytes (a canvas's ImageData) -> RGB, alpha dropped. */
export function rgbaToRgb(rgba: Uint8Array | Uint8ClampedArray): Uint8Array {
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgb[j] = rgba[i];
    rgb[j + 1] = rgba[i + 1];
    rgb[j + 2] = rgba[i + 2];
  }
  return rgb;
}
