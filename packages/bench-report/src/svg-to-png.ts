/** Renders an SVG file to PNG with headless Chromium, when it is installed. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';

/** Resolves true once `pngPath` is written, false when Chromium is missing or fails. */
export function svgToPng(svgPath: string, pngPath: string, width: number, height: number): Promise<boolean> {
  if (!existsSync(CHROMIUM)) return Promise.resolve(false);
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--hide-scrollbars',
    `--window-size=${width},${height}`,
    `--screenshot=${pngPath}`,
    pathToFileURL(svgPath).href,
  ];
  return new Promise((resolve) => {
    execFile(CHROMIUM, args, { timeout: 60_000 }, (error) => resolve(error === null && existsSync(pngPath)));
  });
}
