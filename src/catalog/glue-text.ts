/**
 * Free text from the files (descriptions) as Glue takes it. Glue's model: a Description (table, database) has at most
 * 2,048 characters of XML-safe text with tabs and line breaks; a column Comment at most 255, with tabs but no line
 * breaks. A contract may say more, or write a column's description over several lines, so mesh sends the text
 * adjusted, the same on both targets (so what Glue holds compares equal to what mesh wants): line breaks in a comment
 * become spaces, characters outside the model become spaces (or U+FFFD for a lone surrogate), and a longer text is cut,
 * ending in "…".
 */
const DESCRIPTION_MAX = 2048;
const COMMENT_MAX = 255;

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  // Never split a surrogate pair.
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}…`;
}

function xmlSafe(text: string, lineBreaks: boolean): string {
  return (
    text
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is replaced here
      .replace(lineBreaks ? /[\u0000-\u0008\u000b\u000c\u000e-\u001f\uFFFE\uFFFF]/g : /[\u0000-\u0008\u000b-\u001f\uFFFE\uFFFF]/g, ' ')
  );
}

/** A table's or database's Description. */
export function glueDescription(text: string): string {
  return cut(xmlSafe(text, true), DESCRIPTION_MAX);
}

/** A column's Comment: one line. */
export function glueComment(text: string): string {
  return cut(xmlSafe(text.replace(/\r\n|\r|\n/g, ' ').trim(), false), COMMENT_MAX);
}
