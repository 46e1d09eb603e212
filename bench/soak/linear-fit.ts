// Least-squares line through (x, y) points: the slope and its standard error, so a short soak says
// how far its growth figure can be trusted.

export interface LinearFit {
  slope: number;
  /** Standard error of the slope (NaN with fewer than three points). */
  slopeError: number;
  points: number;
}

export function linearFit(xs: readonly number[], ys: readonly number[]): LinearFit {
  const n = xs.length;
  if (n !== ys.length || n < 2) throw new Error(`a line needs at least two points, got ${n}`);
  const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = mean(xs);
  const my = mean(ys);
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  if (sxx === 0) throw new Error("all x values are equal");
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let residuals = 0;
  for (let i = 0; i < n; i++) residuals += (ys[i] - intercept - slope * xs[i]) ** 2;
  const slopeError = n > 2 ? Math.sqrt(residuals / (n - 2) / sxx) : NaN;
  return { slope, slopeError, points: n };
}
