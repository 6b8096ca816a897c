/** JSON lines (one JSON value per line), with 1-based line numbers for error messages. Blank lines are skipped. */

export type JsonLine = { readonly line: number; readonly value: unknown } | { readonly line: number; readonly error: string };

export function parseJsonLines(text: string): JsonLine[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: JsonLine[] = [];
  lines.forEach((raw, index) => {
    if (raw.trim() === '') return;
    try {
      out.push({ line: index + 1, value: JSON.parse(raw) as unknown });
    } catch (error) {
      out.push({
        line: index + 1,
        error: `not valid JSON: ${(error as Error).message}`,
      });
    }
  });
  return out;
}
