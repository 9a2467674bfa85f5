import type { FieldError } from './errors.ts';

/**
 * One rule for text arriving from outside (issue 14): no control characters (nor, issue 16, bidi
 * controls and zero-width characters). PostgreSQL cannot
 * store U+0000 in text at all (it answered 500), and the other C0 controls, DEL and the C1 block
 * have no place in references, names or query values: they hide text in logs, spreadsheets and
 * terminals. Line breaks and tabs are allowed only in JSON strings (a scenario's description may
 * run over several lines); query values, path segments and CSV cells allow none.
 *
 * Reasons name the character by code point and its position, never quoting the value.
 */

/**
 * C0 (U+0000-U+001F), DEL (U+007F) and C1 (U+0080-U+009F); and the invisible format controls
 * (Unicode category Cf) that reorder or hide text: the bidirectional embeddings, overrides and
 * isolates (U+202A-U+202E, U+2066-U+2069) and marks (U+200E, U+200F, U+061C), and the zero-width
 * characters (U+200B-U+200D, U+2060-U+2064, U+FEFF). A right-to-left override in an organisation's
 * name would show it reversed in the pack and the spreadsheet (Trojan Source, CVE-2021-42574).
 */
export function isControlCharacter(code: number, allowLineBreaks: boolean): boolean {
  if (code < 0x20) return !(allowLineBreaks && (code === 0x09 || code === 0x0a || code === 0x0d));
  if (code >= 0x7f && code <= 0x9f) return true;
  return code === 0x061c || (code >= 0x200b && code <= 0x200f) || (code >= 0x202a && code <= 0x202e) || (code >= 0x2060 && code <= 0x2064) || (code >= 0x2066 && code <= 0x2069) || code === 0xfeff;
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

/** How a fault in a field name (an object's key) begins: the object holding it is named. */
export const FIELD_NAME_FAULT = 'has a field name that';

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
          found.push({ field: `${context}${pointer}`, reason: `${FIELD_NAME_FAULT} ${keyReason}` });
          continue;
        }
        visit(item, `${pointer}/${escapePointer(key)}`, depth + 1);
      }
    }
  };
  visit(value, '', 0);
  return found;
}
