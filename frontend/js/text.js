// The text rule, exactly as the API applies it (docs/contracts.md "The text rule";
// chalice_app/chalicelib/text_rule.py), so the page's counter and the API's limit always agree:
//   1. drop lone surrogates (Cs) and control characters (Cc) except "\n" and "\t";
//   2. drop format characters (Cf) except U+200D ZERO WIDTH JOINER and the tag characters
//      U+E0020-U+E007F that emoji sequences need (variation selectors are Mn and stay);
//   3. normalise to NFC (NFD "안녕하세요" is 12 jamo, 5 syllables once composed);
//   4. trim white space (Zs, Zl, Zp, "\t", "\n") at both ends;
//   5. count UTF-16 code units, which is what Lex counts too (an emoji is 2): 1 to 1024;
//   6. text with nothing visible left is blank, and the API refuses it: never send it.
// tests/support/text_rule_cases.json holds the cases both sides are tested against.

export const MAX_CHARS = 1024;

// With the u flag a lone surrogate is a Cs code point.
const DROPPED = /(?![\t\n\u200D\u{E0020}-\u{E007F}])[\p{Cc}\p{Cs}\p{Cf}]/gu;
const SPACE = /^[\t\n\p{Zs}\p{Zl}\p{Zp}]$/u;
// What is left in a text a reader cannot see: white space, ZWJ, tags, variation selectors and
// the Hangul fillers.
const INVISIBLE = /^[\t\n\p{Zs}\p{Zl}\p{Zp}\u200D\u{E0020}-\u{E007F}\uFE00-\uFE0F\u{E0100}-\u{E01EF}\u115F\u1160\u3164\uFFA0]*$/u;

function trim(text) {
  // Index loops, not /\s+$/: a regex anchored at the end is quadratic on long inner whitespace.
  // (Every character SPACE matches is a single UTF-16 unit.)
  let start = 0;
  let end = text.length;
  while (start < end && SPACE.test(text[start])) start++;
  while (end > start && SPACE.test(text[end - 1])) end--;
  return text.slice(start, end);
}

/** The text the API will see: steps 1-4 above. */
export function cleanText(text) {
  return trim(String(text).replace(DROPPED, "").normalize("NFC"));
}

/** The length the API and Lex check against MAX_CHARS: UTF-16 code units of the cleaned text. */
export function textLength(text) {
  return cleanText(text).length;
}

/** Whether the cleaned text has nothing a reader could see (the API answers invalid_text). */
export function isBlank(text) {
  return INVISIBLE.test(cleanText(text));
}
