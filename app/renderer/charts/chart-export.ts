import type { Layout, PlotData } from 'plotly.js-strict-dist-min';
import { cssVar, mergeLayout, themeLayout } from './chart-theme';
import type { Plotly } from './plotly-loader';

/** Saves text or a data URL as a file through the browser's download. */
export function download(fileName: string, content: string, type?: string): void {
  const url = type ? URL.createObjectURL(new Blob([content], { type })) : content;
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  if (type) setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface ChartImageOptions {
  format: 'png' | 'svg';
  /** The chart's size on screen. */
  width: number;
  height: number;
  /** The file's name, without extension. */
  fileName: string;
  /** Written at the top left of the image (a panel's title lives in its HTML header on screen). */
  title?: string;
}

/**
 * Saves a figure as PNG (at twice the screen's pixels) or SVG, on the theme's background:
 * on screen a chart is transparent over the editor, and alone in an image viewer its
 * dark theme's light text would stand on nothing.
 */
export async function saveChartImage(plotly: Plotly, figure: { data: PlotData[]; layout: Layout }, o: ChartImageOptions): Promise<void> {
  const bg = cssVar('--editor-bg');
  const layout = mergeLayout(themeLayout(), {
    ...figure.layout,
    width: o.width,
    height: o.height,
    paper_bgcolor: bg,
    plot_bgcolor: bg,
    ...(o.title ? { title: { text: o.title, x: 0.01, xanchor: 'left' } } : {}),
  });
  const url = await plotly.toImage({ data: figure.data, layout }, { format: o.format, width: o.width, height: o.height, scale: o.format === 'png' ? 2 : 1 });
  download(`${o.fileName}.${o.format}`, url);
}
