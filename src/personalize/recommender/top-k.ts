/** Keeps the k highest-scoring indices seen (min-heap); ties go to the lower index, so results are deterministic. */
export class TopK {
  private readonly idx: Int32Array;
  private readonly val: Float64Array;
  private size = 0;

  constructor(readonly k: number) {
    this.idx = new Int32Array(Math.max(0, k));
    this.val = new Float64Array(Math.max(0, k));
  }

  /** a ranks below b. */
  private below(ia: number, va: number, ib: number, vb: number): boolean {
    return va < vb || (va === vb && ia > ib);
  }

  /** Lowest score currently kept, or -Infinity while not full (a field, kept up to date by push: read per candidate). */
  threshold = Number.NEGATIVE_INFINITY;

  push(index: number, score: number): void {
    if (this.k <= 0) return;
    if (this.size < this.k) {
      let c = this.size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!this.below(index, score, this.idx[p] as number, this.val[p] as number)) break;
        this.idx[c] = this.idx[p] as number;
        this.val[c] = this.val[p] as number;
        c = p;
      }
      this.idx[c] = index;
      this.val[c] = score;
      if (this.size === this.k) this.threshold = this.val[0] as number;
      return;
    }
    if (this.below(index, score, this.idx[0] as number, this.val[0] as number)) return;
    // replace the root and sift down
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= this.size) break;
      const r = l + 1;
      let m = l;
      if (r < this.size && this.below(this.idx[r] as number, this.val[r] as number, this.idx[l] as number, this.val[l] as number)) m = r;
      if (!this.below(this.idx[m] as number, this.val[m] as number, index, score)) break;
      this.idx[c] = this.idx[m] as number;
      this.val[c] = this.val[m] as number;
      c = m;
    }
    this.idx[c] = index;
    this.val[c] = score;
    this.threshold = this.val[0] as number;
  }

  /** Kept entries, best first. */
  sorted(): { index: number; score: number }[] {
    const out: { index: number; score: number }[] = [];
    for (let i = 0; i < this.size; i++) out.push({ index: this.idx[i] as number, score: this.val[i] as number });
    out.sort((a, b) => b.score - a.score || a.index - b.index);
    return out;
  }
}
