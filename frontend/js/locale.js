// Which of the bot's locales a turn goes to (issue 10, item 8).
//
// An explicit choice in the language menu always wins. Otherwise a turn goes to the locale its
// text is plainly written in: Hangul → ko_KR, Latin letters only → en_US, anything mixed or
// unclear → the page's language. A Lex dialog that is waiting for an answer (a slot, a
// confirmation) keeps its locale, so the English user asked "What is your name?" can answer
// "홍길동", and the Korean user can answer "John".

import { LOCALE_IDS } from "./i18n.js";

const LETTER = /\p{L}/gu;
const HANGUL = /\p{Script=Hangul}/gu;
const LATIN = /\p{Script=Latin}/gu;

function count(text, pattern) {
  return (text.match(pattern) || []).length;
}

/** The UI language ("ko"/"en") a text is plainly written in, or null when it is not plain. */
export function detectLang(text) {
  const value = String(text);
  const letters = count(value, LETTER);
  const hangul = count(value, HANGUL);
  const latin = count(value, LATIN);
  if (hangul > 0 && hangul >= latin && hangul * 2 >= letters) return "ko";
  if (hangul === 0 && latin >= 2 && latin === letters) return "en";
  return null;
}

/**
 * The localeId for one turn. `explicit`: the user picked `lang` in the menu; `openDialogLocale`:
 * the locale of a Lex dialog still waiting for an answer, or null.
 */
export function turnLocale(text, { lang, explicit, openDialogLocale }) {
  if (explicit) return LOCALE_IDS[lang];
  if (openDialogLocale && Object.values(LOCALE_IDS).includes(openDialogLocale)) {
    return openDialogLocale;
  }
  return LOCALE_IDS[detectLang(text) || lang];
}

/** Whether a /chat answer leaves a Lex dialog waiting for the user (a slot or a confirmation). */
export function dialogIsOpen(reply) {
  const state = reply?.intent?.state;
  return state === "InProgress" || state === "Waiting";
}
