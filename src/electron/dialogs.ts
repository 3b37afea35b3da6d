/** The open dialog for datasets, starting in the app's data/ folder (the shipped samples). */
import { dialog, type BrowserWindow } from 'electron';

export async function pickDatasetPath(
  win: BrowserWindow | null,
  dataDir: string,
  mode: 'file' | 'folder',
): Promise<string | null> {
  const options: Electron.OpenDialogOptions =
    mode === 'file'
      ? {
          title: 'Upload Facial Emotion Dataset',
          defaultPath: dataDir,
          properties: ['openFile'],
          filters: [{ name: 'Datasets (X .npy, .csv)', extensions: ['npy', 'csv'] }],
        }
      : { title: 'Upload Facial Emotion Dataset (image folder)', defaultPath: dataDir, properties: ['openDirectory'] };
  const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return r.canceled || !r.filePaths.length ? null : r.filePaths[0];
}
