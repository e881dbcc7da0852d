// The message-length rule, exactly as the API applies it (chalice_app/chalicelib/validation.py,
// docs/contracts.md "Text"): Unicode NFC, then drop control characters (Cc) except "\n" and "\t",
// lone surrogates (Cs) and invisible format characters (Cf) except the ones emoji sequences need
// (U+200D ZERO WIDTH JOINER, U+E0020-U+E007F tag characters; variation selectors are Mn and stay),
// trim the ends, then count UTF-16 code units, which is what Lex counts too (an emoji is 2).
// Counting code points instead would let 600 emoji through the page and into a 400 from the API;
// not normalising would count NFD Hangul (안 = 3 jamo) up to three times.

export const MAX_CHARS = 1024;

// Categories Cc, Cs (with the u flag a lone surrogate is a Cs code point) and Cf, minus the
// exceptions above.
const DROPPED = /(?![\t\n\u200D\u{E0020}-\u{E007F}])[\p{Cc}\p{Cs}\p{Cf}]/gu;
// Python's str.strip() whitespace (str.isspace) that survives the drop above. (U+FEFF, which
// String.prototype.trim would also take, is Cf and already gone.)
const SPACE = /[\t\n \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/;

function strip(text) {
  // Index loops, not /\s+$/: a regex anchored at the end is quadratic on long inner whitespace.
  let start = 0;
  let end = text.length;
  while (start < end && SPACE.test(text[start])) start++;
  while (end > start && SPACE.test(text[end - 1])) end--;
  return text.slice(start, end);
}

/** The text the API will see: NFC, invisible characters dropped as above, ends trimmed. */
export function cleanText(text) {
  return strip(String(text).normalize("NFC").replace(DROPPED, ""));
}

/** The length the API and Lex check against MAX_CHARS: UTF-16 code units of the cleaned text. */
export function textLength(text) {
  return cleanText(text).length;
}
