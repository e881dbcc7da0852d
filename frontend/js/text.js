// The message-length rule, exactly as the API applies it (chalice_app/chalicelib/validation.py):
// drop control characters except "\n" and "\t" and lone surrogates, trim the ends, then count
// UTF-16 code units, which is what Lex counts too (an emoji is 2). Counting code points instead
// would let 600 emoji through the page and into a 400 from the API.

export const MAX_CHARS = 1024;

// Unicode category Cc (C0, DEL, C1) minus tab and newline, and unpaired surrogates (category Cs).
const DROPPED = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Python's str.strip() whitespace (str.isspace) that survives the drop above; unlike
// String.prototype.trim it leaves U+FEFF alone, and so must we, or the two counts could differ.
const SPACE = /[\t\n \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/;

function strip(text) {
  // Index loops, not /\s+$/: a regex anchored at the end is quadratic on long inner whitespace.
  let start = 0;
  let end = text.length;
  while (start < end && SPACE.test(text[start])) start++;
  while (end > start && SPACE.test(text[end - 1])) end--;
  return text.slice(start, end);
}

/** The text the API will see: controls (but "\n", "\t") and lone surrogates dropped, ends trimmed. */
export function cleanText(text) {
  return strip(String(text).replace(DROPPED, ""));
}

/** The length the API and Lex check against MAX_CHARS: UTF-16 code units of the cleaned text. */
export function textLength(text) {
  return cleanText(text).length;
}
