/** plotly.js, loaded in its own chunk the first time a chart is drawn (never before the first paint). */
export type Plotly = typeof import('plotly.js-strict-dist-min');

let loading: Promise<Plotly> | undefined;

export function loadPlotly(): Promise<Plotly> {
  loading ??= import('plotly.js-strict-dist-min').then((m) => ((m as unknown as { default?: Plotly }).default ?? m) as Plotly);
  return loading;
}
