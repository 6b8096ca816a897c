import { describe, expect, it } from 'vitest';
import { buildInteractionMatrix, uniqueUserItems } from '../../src/personalize/recommender/interaction-matrix.js';
import { fitEase, fitItemKnn } from '../../src/personalize/recommender/item-item.js';
import { invertSpdInPlace } from '../../src/personalize/recommender/linalg.js';
import { seededRandom } from '../../src/personalize/recommender/random.js';
import { TopK } from '../../src/personalize/recommender/top-k.js';

function randomSpd(n: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  const a = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c <= r; c++) {
      const v = random() < 0.3 ? random() : 0;
      a[r * n + c] = v;
      a[c * n + r] = v;
    }
    a[r * n + r] = (a[r * n + r] as number) + n * 0.5 + 1;
  }
  return a;
}

describe('invertSpdInPlace', () => {
  it.each([1, 2, 3, 7, 64, 129])('A · A⁻¹ = I for a %i × %i matrix', (n) => {
    const a = randomSpd(n, n);
    const inv = a.slice();
    invertSpdInPlace(inv, n);
    let worst = 0;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += (a[r * n + k] as number) * (inv[k * n + c] as number);
        worst = Math.max(worst, Math.abs(s - (r === c ? 1 : 0)));
      }
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => invertSpdInPlace(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite/);
  });
});

describe('item-item models on a 3-item example', () => {
  // users: {a,b}, {a,b}, {b,c}  →  G = XᵀX = [[2,2,0],[2,3,1],[0,1,1]]
  const m = buildInteractionMatrix(
    [
      ['u1', 'a'],
      ['u1', 'b'],
      ['u2', 'a'],
      ['u2', 'b'],
      ['u3', 'b'],
      ['u3', 'c'],
    ].map(([userId, itemId], k) => ({ userId: userId as string, itemId: itemId as string, timestamp: k })),
  );
  const userItems = uniqueUserItems(m, 100);

  it('EASE: B = −P / diag(P) with P = (G + λI)⁻¹ and a zero diagonal', () => {
    const b = fitEase(userItems, 3, 1);
    // G + I = [[3,2,0],[2,4,1],[0,1,2]], det = 3·7 − 2·4 = 13; P = adj / 13:
    // P = [[7,-4,2],[-4,6,-3],[2,-3,8]] / 13  →  B[i][j] = −P[i][j] / P[j][j]
    const p = [7, -4, 2, -4, 6, -3, 2, -3, 8];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const expected = i === j ? 0 : -(p[i * 3 + j] as number) / (p[j * 3 + j] as number);
        expect(b[i * 3 + j]).toBeCloseTo(expected, 6);
      }
    }
  });

  it('item-kNN: cosine with shrink, neighbours best first', () => {
    const nb = fitItemKnn(userItems, 3, 10, 0);
    // b's neighbours: a (2 / √(3·2) = 0.8165), c (1 / √(3·1) = 0.5774)
    const b = m.itemIndex.get('b') as number;
    const row = [...nb.idx.subarray(nb.ptr[b], nb.ptr[b + 1])].map((j) => m.itemIds[j]);
    expect(row).toEqual(['a', 'c']);
    expect(nb.val[nb.ptr[b] as number]).toBeCloseTo(2 / Math.sqrt(6), 6);
    expect(nb.val[(nb.ptr[b] as number) + 1]).toBeCloseTo(1 / Math.sqrt(3), 6);
  });
});

describe('TopK', () => {
  it('keeps the k best, ties to the lower index, like a full sort', () => {
    const random = seededRandom(5);
    const scores = Array.from({ length: 500 }, () => Math.floor(random() * 50));
    const top = new TopK(20);
    scores.forEach((s, i) => {
      top.push(i, s);
    });
    const expected = scores
      .map((score, index) => ({ index, score }))
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, 20);
    expect(top.sorted()).toEqual(expected);
  });
});
