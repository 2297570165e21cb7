import { writeFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';

/** Renders an SVG document to a PNG file (resvg: no browser, fonts from the system, DejaVu first). */
export function writePng(svg: string, path: string, width = 1600): void {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  writeFileSync(path, resvg.render().asPng());
}
