/**
 * Table references in a transform's SQL, found and rewritten with a small tokenizer (strings, quoted identifiers
 * and comments are left alone). A table reference is a bare name in a FROM list or after JOIN: `FROM songs`,
 * `JOIN podcasts p`, `FROM a, b`. Qualified names (`db.t`), table functions (`read_csv(…)`), CTE names and
 * subqueries are not references to products. The rest of the SQL is kept byte for byte.
 */

export type TokenKind = 'word' | 'quoted' | 'string' | 'comment' | 'space' | 'punct';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number) => {
    tokens.push({ kind, text: sql.slice(i, end) });
    i = end;
  };
  const until = (closer: string, from: number, doubled: boolean): number => {
    let j = from;
    for (;;) {
      const k = sql.indexOf(closer, j);
      if (k < 0) return sql.length;
      if (doubled && sql.startsWith(closer, k + closer.length)) {
        j = k + 2 * closer.length;
        continue;
      }
      return k + closer.length;
    }
  };
  while (i < sql.length) {
    const c = sql.charAt(i);
    const rest = sql.slice(i, i + 2);
    if (/\s/.test(c)) push('space', i + (/^\s+/.exec(sql.slice(i))?.[0].length ?? 1));
    else if (rest === '--') push('comment', sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i));
    else if (rest === '/*') push('comment', sql.indexOf('*/', i + 2) < 0 ? sql.length : sql.indexOf('*/', i + 2) + 2);
    else if (c === "'") push('string', until("'", i + 1, true));
    else if (c === '"') push('quoted', until('"', i + 1, true));
    else if (c === '`') push('quoted', until('`', i + 1, true));
    else if (/[A-Za-z_]/.test(c)) push('word', i + (/^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i))?.[0].length ?? 1));
    else push('punct', i + 1);
  }
  return tokens;
}

/** Keywords that end a FROM list at the same depth (ON and USING do not: `JOIN b ON …, c` goes on listing tables). */
const FROM_ENDERS = new Set([
  'where',
  'group',
  'order',
  'having',
  'limit',
  'offset',
  'union',
  'except',
  'intersect',
  'window',
  'qualify',
  'select',
  'fetch',
  'cluster',
  'distribute',
  'sort',
]);
/** Words that may stand before a table in a FROM list without being one. */
const BEFORE_TABLE = new Set(['lateral', 'only']);
const JOIN_WORDS = new Set(['join']);

function unquote(token: Token): string {
  if (token.kind === 'quoted') return token.text.slice(1, -1).replace(/""/g, '"').replace(/``/g, '`');
  return token.text;
}

export interface TableReference {
  /** Index of the token in `tokenize(sql)`. */
  readonly token: number;
  /** The name as written, unquoted. */
  readonly name: string;
}

/** CTE names: identifiers directly followed by `AS (`. */
function cteNames(tokens: readonly Token[]): Set<string> {
  const names = new Set<string>();
  const significant = tokens.map((t, i) => ({ t, i })).filter(({ t }) => t.kind !== 'space' && t.kind !== 'comment');
  for (let k = 0; k + 2 < significant.length; k++) {
    const [a, b, c] = [significant[k]?.t, significant[k + 1]?.t, significant[k + 2]?.t];
    if (a && b && c && (a.kind === 'word' || a.kind === 'quoted') && b.kind === 'word' && b.text.toLowerCase() === 'as' && c.text === '(') {
      names.add(unquote(a).toLowerCase());
    }
  }
  return names;
}

/** The bare table names in FROM lists and after JOIN, in order. */
export function findTableReferences(tokens: readonly Token[]): TableReference[] {
  const refs: TableReference[] = [];
  const ctes = cteNames(tokens);
  /** Per parenthesis depth: are we in a FROM list, and is the next name a table position? */
  const stack: { inFrom: boolean; expectTable: boolean }[] = [{ inFrom: false, expectTable: false }];
  const top = () => stack[stack.length - 1] ?? { inFrom: false, expectTable: false };
  const nextSignificant = (from: number): Token | undefined => {
    for (let j = from; j < tokens.length; j++) {
      const t = tokens[j];
      if (t && t.kind !== 'space' && t.kind !== 'comment') return t;
    }
    return undefined;
  };
  let previous: Token | undefined;
  tokens.forEach((token, index) => {
    if (token.kind === 'space' || token.kind === 'comment') return;
    const state = top();
    if (token.kind === 'punct') {
      if (token.text === '(') {
        state.expectTable = false;
        stack.push({ inFrom: false, expectTable: false });
      } else if (token.text === ')') {
        if (stack.length > 1) stack.pop();
      } else if (token.text === ',') {
        state.expectTable = state.inFrom;
      } else state.expectTable = false;
      previous = token;
      return;
    }
    const word = token.kind === 'word' ? token.text.toLowerCase() : undefined;
    if (word === 'from') {
      state.inFrom = true;
      state.expectTable = true;
    } else if (word !== undefined && JOIN_WORDS.has(word)) {
      state.inFrom = true;
      state.expectTable = true;
    } else if (word !== undefined && FROM_ENDERS.has(word)) {
      state.inFrom = false;
      state.expectTable = false;
    } else if (word !== undefined && state.expectTable && BEFORE_TABLE.has(word)) {
      // still expecting the table
    } else if (state.expectTable) {
      state.expectTable = false;
      const next = nextSignificant(index + 1);
      const qualified = next?.text === '.' || previous?.text === '.';
      const tableFunction = next?.text === '(';
      const name = unquote(token);
      if (!qualified && !tableFunction && !ctes.has(name.toLowerCase())) refs.push({ token: index, name });
    }
    previous = token;
  });
  return refs;
}

/**
 * Replaces each bare table reference whose lowercase name is a key of `replacements` with its value. Returns the new
 * SQL and the names replaced (lowercase, in order of first use).
 */
export function rewriteTableReferences(sql: string, replacements: ReadonlyMap<string, string>): { sql: string; replaced: string[] } {
  const tokens = tokenize(sql);
  const replaced: string[] = [];
  const out = tokens.map((t) => t.text);
  for (const ref of findTableReferences(tokens)) {
    const key = ref.name.toLowerCase();
    const replacement = replacements.get(key);
    if (replacement === undefined) continue;
    out[ref.token] = replacement;
    if (!replaced.includes(key)) replaced.push(key);
  }
  return { sql: out.join(''), replaced };
}

/** Lowercase names of the bare table references in a SQL text. */
export function tableNamesIn(sql: string): string[] {
  return [...new Set(findTableReferences(tokenize(sql)).map((r) => r.name.toLowerCase()))];
}

/**
 * Type names in CAST(… AS <type>) spelled for the engine: Spark SQL has no length-less VARCHAR (it wants STRING),
 * Athena (Trino) has no STRING (it wants VARCHAR). DuckDB takes both.
 */
export function castTypesFor(sql: string, engine: 'spark' | 'trino'): string {
  const tokens = tokenize(sql);
  const out = tokens.map((t) => t.text);
  let previousWord: string | undefined;
  tokens.forEach((token, index) => {
    if (token.kind === 'space' || token.kind === 'comment') return;
    const word = token.kind === 'word' ? token.text.toLowerCase() : undefined;
    if (word !== undefined && previousWord === 'as') {
      const next = tokens.slice(index + 1).find((t) => t.kind !== 'space' && t.kind !== 'comment');
      if (engine === 'spark' && word === 'varchar' && next?.text !== '(') out[index] = 'STRING';
      if (engine === 'trino' && word === 'string') out[index] = 'VARCHAR';
    }
    previousWord = word; // undefined after punctuation, strings and quoted names
  });
  return out.join('');
}
