/**
 * Personalize filter expressions, parsed to check them when personalize.yaml loads and evaluated by the local
 * campaign. Supported (the item filters Personalize documents):
 *   INCLUDE|EXCLUDE ItemID WHERE <condition> [AND|OR <condition>]… [| <another clause>]…
 *   condition: Items.<FIELD> | Interactions.EVENT_TYPE | CurrentItem.<FIELD>   IN | NOT IN | = | != | < | > | <= | >=
 *              ("a", "b") | "a" | 12.5 | $PARAM
 * `Interactions.EVENT_TYPE IN ("*")` matches every event type. Categorical values compare case-insensitively and
 * multi-valued fields ("a|b") match on any value. A condition whose $PARAM has no value is left out (as
 * Personalize does when a filter value is not given).
 */
import { MeshError } from '../core/errors.js';

export type FilterOperator = 'IN' | 'NOT IN' | '=' | '!=' | '<' | '>' | '<=' | '>=';

export type FilterValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'current-item'; readonly field: string };

export interface FilterCondition {
  readonly dataset: 'Items' | 'Interactions' | 'CurrentItem';
  readonly field: string;
  readonly op: FilterOperator;
  readonly values: readonly FilterValue[];
}

export interface FilterClause {
  readonly action: 'INCLUDE' | 'EXCLUDE';
  /** OR of AND groups. */
  readonly anyOf: readonly (readonly FilterCondition[])[];
}

export interface ParsedFilter {
  readonly clauses: readonly FilterClause[];
  /** $PARAM names used, for GetRecommendations' filterValues. */
  readonly params: readonly string[];
}

type Token = { kind: 'word' | 'string' | 'number' | 'param' | 'punct'; text: string; at: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new Error(`unclosed string at ${i + 1}`);
      tokens.push({ kind: 'string', text: text.slice(i + 1, end), at: i });
      i = end + 1;
    } else if (/[-0-9.]/.test(c) && /[0-9]/.test(text[i + (c === '-' || c === '.' ? 1 : 0)] ?? '')) {
      const m = /^-?[0-9]*\.?[0-9]+(e-?[0-9]+)?/i.exec(text.slice(i));
      tokens.push({ kind: 'number', text: m?.[0] ?? c, at: i });
      i += m?.[0].length ?? 1;
    } else if (c === '$') {
      const m = /^\$[A-Za-z0-9_]+/.exec(text.slice(i));
      if (!m) throw new Error(`"$" without a parameter name at ${i + 1}`);
      tokens.push({ kind: 'param', text: m[0].slice(1), at: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'word', text: m[0], at: i });
      i += m[0].length;
    } else {
      const two = text.slice(i, i + 2);
      const op = ['<=', '>=', '!='].includes(two) ? two : c;
      if (!['(', ')', ',', '|', '=', '<', '>', '<=', '>=', '!='].includes(op)) throw new Error(`unexpected "${c}" at ${i + 1}`);
      tokens.push({ kind: 'punct', text: op, at: i });
      i += op.length;
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;
  readonly params = new Set<string>();
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }
  private next(what: string): Token {
    const t = this.tokens[this.pos++];
    if (!t) throw new Error(`expected ${what} at the end`);
    return t;
  }
  private word(expected: string): void {
    const t = this.next(expected);
    if (t.kind !== 'word' || t.text.toUpperCase() !== expected.toUpperCase()) throw new Error(`expected ${expected}, found "${t.text}"`);
  }
  private isWord(text: string): boolean {
    const t = this.peek();
    return t?.kind === 'word' && t.text.toUpperCase() === text;
  }

  parse(): ParsedFilter {
    const clauses: FilterClause[] = [this.clause()];
    while (this.peek()?.text === '|') {
      this.pos++;
      clauses.push(this.clause());
    }
    const rest = this.peek();
    if (rest)
      throw new Error(`unexpected "${rest.text}"${rest.text.toUpperCase() === 'IF' ? ' (IF conditions on Users are not supported)' : ''}`);
    return { clauses, params: [...this.params] };
  }

  private clause(): FilterClause {
    const action = this.next('INCLUDE or EXCLUDE').text.toUpperCase();
    if (action !== 'INCLUDE' && action !== 'EXCLUDE') throw new Error(`a filter starts with INCLUDE or EXCLUDE, found "${action}"`);
    this.word('ItemID');
    this.word('WHERE');
    const anyOf: FilterCondition[][] = [[this.condition()]];
    for (;;) {
      if (this.isWord('AND')) {
        this.pos++;
        (anyOf[anyOf.length - 1] as FilterCondition[]).push(this.condition());
      } else if (this.isWord('OR')) {
        this.pos++;
        anyOf.push([this.condition()]);
      } else break;
    }
    return { action, anyOf };
  }

  private condition(): FilterCondition {
    const ref = this.next('a field such as Items.GENRE');
    const [dataset, field] = ref.text.split('.');
    if (ref.kind !== 'word' || !field || !['Items', 'Interactions', 'CurrentItem'].includes(dataset ?? '')) {
      throw new Error(`expected Items.<FIELD>, Interactions.EVENT_TYPE or CurrentItem.<FIELD>, found "${ref.text}"`);
    }
    if (dataset === 'Interactions' && field.toUpperCase() !== 'EVENT_TYPE') {
      throw new Error(`only Interactions.EVENT_TYPE is supported, found "${ref.text}"`);
    }
    let op: FilterOperator;
    if (this.isWord('NOT')) {
      this.pos++;
      this.word('IN');
      op = 'NOT IN';
    } else if (this.isWord('IN')) {
      this.pos++;
      op = 'IN';
    } else {
      const t = this.next('an operator');
      if (t.kind !== 'punct' || !['=', '!=', '<', '>', '<=', '>='].includes(t.text))
        throw new Error(`expected IN, NOT IN or a comparison, found "${t.text}"`);
      op = t.text as FilterOperator;
    }
    const values: FilterValue[] = [];
    if (this.peek()?.text === '(') {
      this.pos++;
      values.push(this.value());
      while (this.peek()?.text === ',') {
        this.pos++;
        values.push(this.value());
      }
      const close = this.next('")"');
      if (close.text !== ')') throw new Error(`expected ")", found "${close.text}"`);
    } else {
      values.push(this.value());
    }
    return { dataset: dataset as FilterCondition['dataset'], field, op, values };
  }

  private value(): FilterValue {
    const t = this.next('a value');
    if (t.kind === 'string') return { kind: 'string', value: t.text };
    if (t.kind === 'number') return { kind: 'number', value: Number(t.text) };
    if (t.kind === 'param') {
      this.params.add(t.text);
      return { kind: 'param', name: t.text };
    }
    if (t.kind === 'word' && t.text.startsWith('CurrentItem.')) return { kind: 'current-item', field: t.text.slice('CurrentItem.'.length) };
    throw new Error(`expected a "quoted" value, a number or a $PARAM, found "${t.text}"`);
  }
}

/** Parses a filter expression; throws MeshError `PersonalizeFilterInvalid` naming the filter. */
export function parseFilterExpression(expression: string, name = 'filter'): ParsedFilter {
  try {
    return new Parser(tokenize(expression)).parse();
  } catch (error) {
    throw new MeshError('PersonalizeFilterInvalid', `Filter "${name}": ${(error as Error).message}.`, {
      hint: 'Write it as Personalize does, e.g. EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("play").',
    });
  }
}

/** What the local campaign knows when it applies a filter to one request. */
export interface FilterContext {
  /** Metadata of an item (Items dataset + PutItems), field names as in the schema. */
  itemProps(itemId: string): Readonly<Record<string, unknown>> | undefined;
  /** Event types of the user's interactions with an item (training history + PutEvents). */
  userEventTypes(itemId: string): ReadonlySet<string> | undefined;
  /** GetRecommendations' filterValues: `{ GENRE: "\"rock\",\"jazz\"" }`. */
  readonly filterValues?: Readonly<Record<string, string>>;
  /** The item of a similar-items request (CurrentItem.<FIELD>). */
  readonly currentItem?: Readonly<Record<string, unknown>>;
}

function prop(props: Readonly<Record<string, unknown>> | undefined, field: string): unknown {
  if (!props) return undefined;
  if (field in props) return props[field];
  const upper = field.toUpperCase();
  for (const [k, v] of Object.entries(props)) if (k.toUpperCase() === upper) return v;
  return undefined;
}

/** `"a","b"` (Personalize's filterValues format) → ['a', 'b']; a bare value stays one value. */
export function parseFilterValueList(text: string): string[] {
  const quoted = [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] as string);
  return quoted.length > 0 ? quoted : [text];
}

function resolve(values: readonly FilterValue[], ctx: FilterContext): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  for (const v of values) {
    if (v.kind === 'string' || v.kind === 'number') out.push(v.value);
    else if (v.kind === 'param') {
      const given = ctx.filterValues?.[v.name];
      if (given === undefined) return undefined;
      out.push(...parseFilterValueList(given));
    } else {
      const current = prop(ctx.currentItem, v.field);
      if (current === undefined || current === null) return undefined;
      out.push(...String(current).split('|'));
    }
  }
  return out;
}

function matches(cond: FilterCondition, itemId: string, ctx: FilterContext, values: (string | number)[]): boolean {
  if (cond.dataset === 'Interactions') {
    const types = ctx.userEventTypes(itemId);
    const hit = types !== undefined && types.size > 0 && values.some((v) => v === '*' || types.has(String(v)));
    return cond.op === 'NOT IN' || cond.op === '!=' ? !hit : hit;
  }
  const props = cond.dataset === 'CurrentItem' ? ctx.currentItem : ctx.itemProps(itemId);
  const raw = prop(props, cond.field);
  if (raw === undefined || raw === null || raw === '') return cond.op === 'NOT IN' || cond.op === '!=';
  const have = String(raw)
    .split('|')
    .map((s) => s.toLowerCase());
  const want = values.map((v) => String(v).toLowerCase());
  switch (cond.op) {
    case 'IN':
    case '=':
      return have.some((h) => want.includes(h));
    case 'NOT IN':
    case '!=':
      return !have.some((h) => want.includes(h));
    default: {
      const n = Number(raw);
      const target = Number(values[0]);
      if (!Number.isFinite(n) || !Number.isFinite(target)) return false;
      return cond.op === '<' ? n < target : cond.op === '>' ? n > target : cond.op === '<=' ? n <= target : n >= target;
    }
  }
}

/** A predicate for one request: true when the item may be recommended. */
export function compileFilter(filter: ParsedFilter, ctx: FilterContext): (itemId: string) => boolean {
  const clauses = filter.clauses
    .map((clause) => ({
      action: clause.action,
      groups: clause.anyOf
        .map((group) => group.map((cond) => ({ cond, values: resolve(cond.values, ctx) })).filter((c) => c.values !== undefined))
        .filter((group) => group.length > 0),
    }))
    .filter((clause) => clause.groups.length > 0);
  return (itemId) => {
    for (const clause of clauses) {
      const hit = clause.groups.some((group) => group.every((c) => matches(c.cond, itemId, ctx, c.values as (string | number)[])));
      if (clause.action === 'INCLUDE' ? !hit : hit) return false;
    }
    return true;
  };
}
