/** The part of plotly.js the workbench uses (the dist bundle ships no types). */
declare module 'plotly.js-strict-dist-min' {
  export type Datum = number | string | null;
  export interface PlotData {
    x?: Datum[];
    y?: Datum[];
    type?: string;
    mode?: string;
    name?: string;
    line?: Record<string, unknown>;
    marker?: Record<string, unknown>;
    hovertemplate?: string;
    fill?: string;
    [key: string]: unknown;
  }
  export type Layout = Record<string, unknown>;
  export type Config = Record<string, unknown>;
  export function newPlot(el: HTMLElement, data: PlotData[], layout?: Layout, config?: Config): Promise<HTMLElement>;
  export function react(el: HTMLElement, data: PlotData[], layout?: Layout, config?: Config): Promise<HTMLElement>;
  export function extendTraces(el: HTMLElement, update: { x: Datum[][]; y: Datum[][] }, indices: number[], maxPoints?: number): Promise<HTMLElement>;
  export function relayout(el: HTMLElement, update: Layout): Promise<HTMLElement>;
  export function purge(el: HTMLElement): void;
  export interface ImageOptions {
    format: 'png' | 'svg';
    width?: number;
    height?: number;
    /** Pixels per CSS pixel of a PNG. */
    scale?: number;
    filename?: string;
  }
  /** A chart, or a figure drawn off screen, as a data URL. */
  export function toImage(el: HTMLElement | { data: PlotData[]; layout?: Layout }, options: ImageOptions): Promise<string>;
  /** A plotted div: Plotly adds an event emitter to it (`plotly_relayout`, ...). */
  export interface PlotlyHTMLElement extends HTMLElement {
    on(event: string, listener: (data: any) => void): void;
    removeAllListeners(event: string): void;
  }
  /** Saves the chart as an image file (PNG through a canvas, or SVG). */
  export const Plots: { resize(el: HTMLElement): Promise<void> };
}
