import type { FieldError } from './errors.ts';

/**
 * One rule for text arriving from outside (issue 14): no control characters. PostgreSQL cannot
 * store U+0000 in text at all (it answered 500), and the other C0 controls, DEL and the C1 block
 * have no place in references, names or query values: they hide text in logs, spreadsheets and
 * terminals. Line breaks and tabs are allowed only in JSON strings (a scenario's description may
 * run over several lines); query values, path segments and CSV cells allow none.
 *
 * Reasons name the character by code point and its position, never quoting the value.
 */

/** C0 (U+0000-U+001F), DEL (U+007F) and C1 (U+0080-U+009F). */
export function isControlCharacter(code: number, allowLineBreaks: boolean): boolean {
  if (code < 0x20) return !(allowLineBreaks && (code === 0x09 || code === 0x0a || code === 0x0d));
  return code >= 0x7f && code <= 0x9f;
}

/** Why `text` is refused, or undefined when it is fine. */
export function controlCharacterReason(text: string, allowLineBreaks: boolean): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isControlCharacter(code, allowLineBreaks)) {
      const hex = code.toString(16).toUpperCase().padStart(4, '0');
      return `must not contain control characters (U+${hex} at character ${i + 1})`;
    }
  }
  return undefined;
}

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Every string (and object key) in a parsed value holding a control character, as field errors
 * whose field is a JSON pointer under `context` ("body/name", "querystring/reference"). Stops
 * after `limit` findings so a hostile document cannot make the answer large.
 */
export function findControlCharacters(value: unknown, context: string, allowLineBreaks: boolean, limit = 20): FieldError[] {
  const found: FieldError[] = [];
  const visit = (node: unknown, pointer: string, depth: number) => {
    if (found.length >= limit || depth > 64) return;
    if (typeof node === 'string') {
      const reason = controlCharacterReason(node, allowLineBreaks);
      if (reason) found.push({ field: `${context}${pointer}`, reason });
    } else if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) visit(item, `${pointer}/${i}`, depth + 1);
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        const keyReason = controlCharacterReason(key, false);
        if (keyReason) {
          // The key itself cannot be named safely: name the object holding it.
          found.push({ field: `${context}${pointer}`, reason: `has a field name that ${keyReason}` });
          continue;
        }
        visit(item, `${pointer}/${escapePointer(key)}`, depth + 1);
      }
    }
  };
  visit(value, '', 0);
  return found;
}
