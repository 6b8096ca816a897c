import { readFileSync } from 'node:fs';
import { type Document, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { PathSegment } from './problems.js';

export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * The options of every parse of a workspace file. The happy path parses once, for the data; a file with a problem to
 * report is parsed again with these same options (and a LineCounter), so positions come from the same library reading
 * the same text the same way.
 */
const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: true } as const;

interface Located {
  readonly doc: Document;
  readonly lineCounter: LineCounter;
}

/** The document with its line counter: what positions are read from. */
function locate(text: string): Located {
  const lineCounter = new LineCounter();
  return { doc: parseDocument(text, { ...PARSE_OPTIONS, lineCounter }), lineCounter };
}

/**
 * A parsed workspace file that can tell where a field path is (1-based line and column). It keeps the text only: the
 * YAML document behind positions is made on the first position asked for (a file with a problem), not kept for every
 * file of a large workspace.
 */
export class SourceFile {
  private located?: Located;

  constructor(
    /** Absolute path. */
    readonly abs: string,
    /** Relative to the workspace root, forward slashes. */
    readonly rel: string,
    readonly text: string,
  ) {}

  private positions(): Located {
    this.located ??= locate(this.text);
    return this.located;
  }

  /** Line and column of an offset in the text. */
  positionOfOffset(offset: number): Position {
    const { line, col } = this.positions().lineCounter.linePos(Math.max(0, Math.min(offset, this.text.length)));
    return { line, column: col };
  }

  /**
   * Where the value at `path` starts. With `key: true`, where its key starts (for unknown fields). When the path does
   * not exist (a missing field), the position of the deepest parent that does.
   */
  position(path: readonly PathSegment[], options: { key?: boolean } = {}): Position {
    let node: unknown = this.positions().doc.contents;
    let keyNode: unknown;
    let resolved = 0;
    for (const segment of path) {
      let next: unknown;
      let nextKey: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? p.key.value : p.key) === segment);
        if (pair) {
          next = pair.value ?? pair.key;
          nextKey = pair.key;
        }
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
        nextKey = next;
      }
      if (next === undefined || next === null) break;
      node = next;
      keyNode = nextKey;
      resolved++;
    }
    // A missing field points at its parent's key ("owner:"), a whole list or mapping at its own key ("schema:").
    const useKey = options.key || resolved < path.length || isMap(node) || isSeq(node);
    const target = useKey && keyNode !== undefined ? keyNode : node;
    const range = isNode(target) ? target.range : undefined;
    return range ? this.positionOfOffset(range[0]) : { line: 1, column: 1 };
  }
}

export type ReadResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly reason: 'missing' | 'unreadable'; readonly detail: string };

/**
 * Reads a workspace file. Synchronous on purpose: a workspace is many small files read one after another, and the
 * promise API's four thread-pool round trips per file (open, stat, read, close) cost more than the read itself
 * (1,051 files: ~0.9 s of waiting on a loaded machine, against ~0.1 s synchronous).
 */
export async function readText(abs: string): Promise<ReadResult> {
  try {
    return { ok: true, text: readFileSync(abs, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, reason: 'missing', detail: 'no such file' };
    return { ok: false, reason: 'unreadable', detail: code === 'EISDIR' ? 'it is a folder, not a file' : (error as Error).message };
  }
}

export type ParseResult =
  | { readonly kind: 'ok'; readonly source: SourceFile; readonly data: unknown }
  | { readonly kind: 'empty'; readonly source: SourceFile }
  | { readonly kind: 'syntax'; readonly source: SourceFile; readonly errors: readonly { message: string; position: Position }[] };

/**
 * Parses YAML text. Never throws. The document is not kept: the returned SourceFile parses the text again, with the
 * same options, when a position is first asked of it.
 */
export function parseYaml(abs: string, rel: string, text: string): ParseResult {
  const doc = parseDocument(text, PARSE_OPTIONS);
  const source = new SourceFile(abs, rel, text);
  if (doc.errors.length > 0) {
    return {
      kind: 'syntax',
      source,
      errors: doc.errors.map((e) => ({
        message: e.message.split('\n')[0] ?? e.message,
        position: source.positionOfOffset(e.pos[0]),
      })),
    };
  }
  if (doc.contents === null || (isScalar(doc.contents) && (doc.contents.value === null || doc.contents.value === ''))) {
    return { kind: 'empty', source };
  }
  try {
    return { kind: 'ok', source, data: doc.toJS({ maxAliasCount: 100 }) };
  } catch (error) {
    // Unresolved aliases or alias bombs: point at the first alias that cannot be resolved, if any.
    let offset = 0;
    visit(doc, {
      Alias(_, node) {
        if (node.resolve(doc) === undefined && node.range) {
          offset = node.range[0];
          return visit.BREAK;
        }
        return undefined;
      },
    });
    return { kind: 'syntax', source, errors: [{ message: (error as Error).message, position: source.positionOfOffset(offset) }] };
  }
}
