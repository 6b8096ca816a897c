/**
 * Human text as it may reach a terminal. Much of what mesh prints comes from files and records other teams write
 * (descriptions, owners, column notes, event payloads, query rows), and a terminal obeys control sequences inside
 * it: OSC 52 writes the clipboard, cursor movement and erasure rewrite what was printed above, `ESC[8m` hides all
 * that follows, a bidi override reorders a line. Every control character (C0 but newline and tab, DEL, C1) and the
 * bidi embedding, override and isolate marks are shown as a visible `\uXXXX` escape instead; with colour on, only
 * the exact SGR sequences mesh's own styles use (style.ts: bold, dim, red, green, yellow, magenta, cyan, and their
 * resets) pass through. JSON documents go through safeJson() below instead.
 */

/** The SGR codes chalk writes for the styles in style.ts (named colours are 16-colour codes at every level). */
const OWN_SGR = new Set(['1', '2', '22', '31', '32', '33', '35', '36', '39']);

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is matched here
const CONTROL = /\u001b\[([0-9]{1,2})m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const visible = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

export function terminalSafe(text: string, styles: boolean): string {
  return text.replace(CONTROL, (match: string, sgr: string | undefined) => {
    if (sgr !== undefined) return styles && OWN_SGR.has(sgr) ? match : `${visible('\u001b')}${match.slice(1)}`;
    return visible(match);
  });
}

/**
 * What JSON.stringify leaves raw that a terminal obeys: DEL, C1 (U+0080–U+009F, `\u009b` is an 8-bit CSI) and the
 * bidi marks, embeddings, overrides and isolates. JSON.stringify escapes C0 itself. They can stand only inside a
 * JSON string, where `\uXXXX` is the same character to any JSON reader.
 */
const JSON_RAW_CONTROL = /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A JSON text (a document or an NDJSON line) with every terminal control character escaped; the value is unchanged. */
export function jsonTerminalSafe(json: string): string {
  return json.replace(JSON_RAW_CONTROL, visible);
}

/** JSON.stringify for what mesh prints: the same value, with no character a terminal would obey. */
export function safeJson(value: unknown, space?: number): string {
  return jsonTerminalSafe(JSON.stringify(value, null, space) ?? 'null');
}
