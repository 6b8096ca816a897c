/**
 * Dense inverse of a symmetric positive-definite matrix (row-major Float64Array, n × n) via Cholesky:
 * A = L·Lᵀ, U = (L⁻¹)ᵀ, A⁻¹ = U·Uᵀ. About n³/2 multiply-adds, all written as dot products of contiguous
 * rows with small register blocks (1×2, 2×2). Measured in Node 20 on one core: n = 1000 ≈ 0.4 s,
 * n = 2000 ≈ 2.9 s.
 */
import { MeshError } from '../../core/errors.js';

/** Σ_k x[xo+k]·y[yo+k] for k in [0, len). */
function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += (x[xo + k] as number) * (y[yo + k] as number);
    s1 += (x[xo + k + 1] as number) * (y[yo + k + 1] as number);
    s2 += (x[xo + k + 2] as number) * (y[yo + k + 2] as number);
    s3 += (x[xo + k + 3] as number) * (y[yo + k + 3] as number);
  }
  for (; k < len; k++) s0 += (x[xo + k] as number) * (y[yo + k] as number);
  return s0 + s1 + s2 + s3;
}

/** Results of the blocked kernels (avoids allocating per call). */
const out = new Float64Array(4);

/** out[0] = x·y0, out[1] = x·y1 (one shared row x). */
function dot1x2(x: Float64Array, xo: number, y: Float64Array, y0: number, y1: number, len: number): void {
  let s0 = 0;
  let s1 = 0;
  let t0 = 0;
  let t1 = 0;
  let k = 0;
  for (; k + 1 < len; k += 2) {
    const xa = x[xo + k] as number;
    const xb = x[xo + k + 1] as number;
    s0 += xa * (y[y0 + k] as number);
    s1 += xb * (y[y0 + k + 1] as number);
    t0 += xa * (y[y1 + k] as number);
    t1 += xb * (y[y1 + k + 1] as number);
  }
  for (; k < len; k++) {
    const xa = x[xo + k] as number;
    s0 += xa * (y[y0 + k] as number);
    t0 += xa * (y[y1 + k] as number);
  }
  out[0] = s0 + s1;
  out[1] = t0 + t1;
}

/** out = [x0·y0, x0·y1, x1·y0, x1·y1]. */
function dot2x2(x: Float64Array, x0: number, x1: number, y0: number, y1: number, len: number): void {
  let a00 = 0;
  let a01 = 0;
  let a10 = 0;
  let a11 = 0;
  for (let k = 0; k < len; k++) {
    const p = x[x0 + k] as number;
    const q = x[x1 + k] as number;
    const r = x[y0 + k] as number;
    const s = x[y1 + k] as number;
    a00 += p * r;
    a01 += p * s;
    a10 += q * r;
    a11 += q * s;
  }
  out[0] = a00;
  out[1] = a01;
  out[2] = a10;
  out[3] = a11;
}

function notPositiveDefinite(row: number, pivot: number): MeshError {
  return new MeshError('PersonalizeNumericError', `Matrix is not positive definite at row ${row} (pivot ${pivot}).`, {
    hint: 'Raise the EASE regularisation (lambda).',
  });
}

/** Lower triangle of `a` becomes L with A = L·Lᵀ. */
function cholesky(a: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    const d = (a[rowJ + j] as number) - dot(a, rowJ, a, rowJ, j);
    if (!(d > 0)) throw notPositiveDefinite(j, d);
    const ljj = Math.sqrt(d);
    a[rowJ + j] = ljj;
    let i = j + 1;
    for (; i + 1 < n; i += 2) {
      dot1x2(a, rowJ, a, i * n, (i + 1) * n, j);
      a[i * n + j] = ((a[i * n + j] as number) - (out[0] as number)) / ljj;
      a[(i + 1) * n + j] = ((a[(i + 1) * n + j] as number) - (out[1] as number)) / ljj;
    }
    for (; i < n; i++) a[i * n + j] = ((a[i * n + j] as number) - dot(a, i * n, a, rowJ, j)) / ljj;
  }
}

/** U = (L⁻¹)ᵀ by rows: M[i][c] = −(Σ_{k=c}^{i−1} L[i][k]·M[k][c]) / L[i][i] with U[c][k] = M[k][c]. */
function transposedLowerInverse(l: Float64Array, n: number): Float64Array {
  const u = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const rowI = i * n;
    const inv = 1 / (l[rowI + i] as number);
    u[rowI + i] = inv;
    let c = 0;
    for (; c + 1 < i; c += 2) {
      const rowC = c * n;
      const rowC1 = rowC + n;
      dot1x2(l, rowI + c + 1, u, rowC + c + 1, rowC1 + c + 1, i - c - 1);
      u[rowC + i] = -((out[0] as number) + (l[rowI + c] as number) * (u[rowC + c] as number)) * inv;
      u[rowC1 + i] = -(out[1] as number) * inv;
    }
    for (; c < i; c++) u[c * n + i] = -dot(l, rowI + c, u, c * n + c, i - c) * inv;
  }
  return u;
}

/** a = U·Uᵀ where U is upper triangular: A⁻¹[r][c] = Σ_{i ≥ max(r,c)} U[r][i]·U[c][i]. */
function upperTimesTranspose(u: Float64Array, n: number, a: Float64Array): void {
  const set = (r: number, c: number, v: number): void => {
    a[r * n + c] = v;
    a[c * n + r] = v;
  };
  for (let r = 0; r < n; r += 2) {
    const r0 = r * n;
    if (r + 1 >= n) {
      for (let c = 0; c <= r; c++) set(r, c, dot(u, r0 + r, u, c * n + r, n - r));
      break;
    }
    const r1 = r0 + n;
    for (let c = 0; c < r; c += 2) {
      const c0 = c * n;
      const c1 = c0 + n;
      dot2x2(u, r0 + r + 1, r1 + r + 1, c0 + r + 1, c1 + r + 1, n - r - 1);
      const urr = u[r0 + r] as number;
      set(r, c, (out[0] as number) + urr * (u[c0 + r] as number));
      set(r, c + 1, (out[1] as number) + urr * (u[c1 + r] as number));
      set(r + 1, c, out[2] as number);
      set(r + 1, c + 1, out[3] as number);
    }
    set(r, r, dot(u, r0 + r, u, r0 + r, n - r));
    set(r + 1, r, dot(u, r1 + r + 1, u, r0 + r + 1, n - r - 1));
    set(r + 1, r + 1, dot(u, r1 + r + 1, u, r1 + r + 1, n - r - 1));
  }
}

/** Overwrites `a` with its inverse. `a` must be symmetric positive definite. */
export function invertSpdInPlace(a: Float64Array, n: number): void {
  cholesky(a, n);
  const u = transposedLowerInverse(a, n);
  upperTimesTranspose(u, n, a);
}
