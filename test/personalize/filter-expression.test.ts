import { describe, expect, it } from 'vitest';
import { compileFilter, type FilterContext, parseFilterExpression } from '../../src/personalize/filter-expression.js';

const items: Record<string, Record<string, unknown>> = {
  s1: { CONTENT_TYPE: 'song', GENRE: 'Rock|Indie', PRICE: '12' },
  s2: { CONTENT_TYPE: 'song', GENRE: 'jazz', PRICE: '30' },
  p1: { CONTENT_TYPE: 'podcast', GENRE: 'news' },
};
const played: Record<string, string[]> = { s1: ['play'], p1: ['like'] };

function keep(expression: string, extra: Partial<FilterContext> = {}): string[] {
  const ctx: FilterContext = {
    itemProps: (id) => items[id],
    userEventTypes: (id) => (played[id] ? new Set(played[id]) : undefined),
    ...extra,
  };
  const pass = compileFilter(parseFilterExpression(expression), ctx);
  return Object.keys(items).filter(pass);
}

describe('Personalize filter expressions (local evaluation)', () => {
  it('EXCLUDE by interaction event type, with * for any type', () => {
    expect(keep('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("play")')).toEqual(['s2', 'p1']);
    expect(keep('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")')).toEqual(['s2']);
  });

  it('INCLUDE by categorical item field: case-insensitive, multi-valued with |', () => {
    expect(keep('INCLUDE ItemID WHERE Items.CONTENT_TYPE IN ("podcast")')).toEqual(['p1']);
    expect(keep('INCLUDE ItemID WHERE Items.GENRE IN ("indie", "JAZZ")')).toEqual(['s1', 's2']);
    expect(keep('INCLUDE ItemID WHERE Items.GENRE NOT IN ("news")')).toEqual(['s1', 's2']);
  });

  it('numeric comparisons, AND / OR, and clauses joined by |', () => {
    expect(keep('INCLUDE ItemID WHERE Items.PRICE < 20')).toEqual(['s1']);
    expect(keep('INCLUDE ItemID WHERE Items.CONTENT_TYPE IN ("song") AND Items.PRICE >= 20 OR Items.GENRE = "news"')).toEqual(['s2', 'p1']);
    expect(keep('INCLUDE ItemID WHERE Items.CONTENT_TYPE IN ("song") | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("play")')).toEqual([
      's2',
    ]);
  });

  it('$PARAM values come from filterValues; a missing one leaves the condition out', () => {
    const expr = 'INCLUDE ItemID WHERE Items.GENRE IN ($GENRES)';
    expect(parseFilterExpression(expr).params).toEqual(['GENRES']);
    expect(keep(expr, { filterValues: { GENRES: '"jazz","news"' } })).toEqual(['s2', 'p1']);
    expect(keep(expr)).toEqual(['s1', 's2', 'p1']);
  });

  it('CurrentItem compares with the item of a related-items request', () => {
    expect(keep('INCLUDE ItemID WHERE Items.CONTENT_TYPE IN (CurrentItem.CONTENT_TYPE)', { currentItem: items.p1 })).toEqual(['p1']);
  });

  it('says what is wrong with a bad expression', () => {
    expect(() => parseFilterExpression('EXCLUDE ItemID WHERE Users.AGE > 3', 'adults')).toThrow(
      'Filter "adults": expected Items.<FIELD>, Interactions.EVENT_TYPE or CurrentItem.<FIELD>, found "Users.AGE".',
    );
    expect(() => parseFilterExpression('INCLUDE ItemID WHERE Items.GENRE IN ("a"')).toThrow('expected ")" at the end');
  });
});
