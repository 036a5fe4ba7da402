let usable: boolean | undefined;

/**
 * Whether Plotly's WebGL traces (scattergl) can draw here: WebGL 1 with the extensions
 * regl needs, and no failed attempt yet (headless Chromium without a GPU may hand out a
 * context that Plotly still refuses; charts then say so with `webglFailed`).
 */
export function canUseWebgl(): boolean {
  if (usable === undefined) {
    try {
      const gl = document.createElement('canvas').getContext('webgl', { antialias: true, preserveDrawingBuffer: true });
      usable = !!gl && !!gl.getExtension('ANGLE_instanced_arrays') && !!gl.getExtension('OES_element_index_uint');
    } catch {
      usable = false;
    }
  }
  return usable;
}

/** Plotly could not draw a WebGL trace: from now on charts draw SVG traces. */
export function webglFailed(): void {
  usable = false;
}
