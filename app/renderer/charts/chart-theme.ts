import type { Layout } from 'plotly.js-strict-dist-min';

/** A theme variable's current value (styles/theme.css), so charts follow the light and dark themes. */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** The series colours, in order. */
export function chartColors(): string[] {
  return ['--chart-1', '--chart-2', '--chart-3', '--chart-4'].map(cssVar);
}

/**
 * The colour of the i-th of many series (runs in a compare): the theme's chart colours
 * first, then hues a golden angle apart, lighter in the dark theme.
 */
export function seriesColor(i: number, colors: readonly string[] = chartColors()): string {
  if (i < colors.length) return colors[i];
  // The page's colour scheme is the theme's (dom.ts sets it with the theme).
  const dark = document.documentElement.style.colorScheme === 'dark';
  return `hsl(${Math.round((i * 137.508 + 200) % 360)}, ${dark ? 60 : 65}%, ${dark ? 65 : 45}%)`;
}

/**
 * A continuous colour scale (popularity, a numeric attribute): Viridis, in the dark theme
 * from its quarter on, as its darkest purple vanishes on a dark background.
 */
export function sequentialScale(): string | [number, string][] {
  if (document.documentElement.style.colorScheme !== 'dark') return 'Viridis';
  return [
    [0, '#3b528b'],
    [0.25, '#2c728e'],
    [0.5, '#21918c'],
    [0.75, '#5ec962'],
    [1, '#fde725'],
  ];
}

function axisTheme(): Record<string, unknown> {
  const muted = cssVar('--fg-muted');
  const grid = cssVar('--border');
  return { color: muted, gridcolor: grid, zerolinecolor: grid, linecolor: grid, tickfont: { color: muted, size: 10 }, title: { font: { color: muted, size: 11 } } };
}

/** The theme part of a chart's layout (nested, for newPlot). */
export function themeLayout(): Layout {
  const fg = cssVar('--fg');
  return {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { family: cssVar('--font-ui'), color: fg, size: 11 },
    title: { font: { color: fg, size: 12 } },
    xaxis: axisTheme(),
    yaxis: axisTheme(),
    hoverlabel: { bgcolor: cssVar('--input-bg'), bordercolor: cssVar('--input-border'), font: { color: fg } },
  };
}

/** Merges nested layout objects (the chart's own over the theme's). */
export function mergeLayout(base: Layout, over: Layout): Layout {
  const out: Layout = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? mergeLayout(b as Layout, v as Layout) : v;
  }
  return out;
}

/**
 * The theme as Plotly.relayout's dotted attributes (`xaxis.gridcolor`), so a theme change
 * restyles a chart without touching its ranges or data.
 */
export function themeRelayout(): Layout {
  const out: Layout = {};
  const walk = (o: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(o)) {
      if (v && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>, `${prefix}${k}.`);
      else out[`${prefix}${k}`] = v;
    }
  };
  walk(themeLayout(), '');
  return out;
}

/** Plotly's options for the workbench: no logo, no mode bar, responsive to its box. */
export const CHART_CONFIG = { displaylogo: false, responsive: true, displayModeBar: false } as const;
