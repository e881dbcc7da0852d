// Links in LLM answers must not lie about where they go (issue 10, item 5). After sanitising:
//   - only https: and mailto: stay links; anything else (plain http:, relative, javascript:, ...)
//     becomes its text, so nothing unencrypted or same-origin is one click away;
//   - a link with no visible text is dropped (an invisible link is only good for tricks);
//   - when the text does not name the destination, the destination's host (or e-mail address) is
//     shown next to it: [https://good.example](https://evil.example) reads "… (evil.example)".
// Hosts come from the URL parser, so an IDN shows as its punycode (xn--…), not as a look-alike,
// and an IDN host is always shown.

/**
 * `{kind, label, href}` for a link we keep ("https" with its host, "mailto" with its address) and
 * its parsed, normalised URL; null for anything else.
 */
export function linkDestination(href) {
  let url;
  try {
    url = new URL(String(href ?? "").trim()); // no base: a relative URL is not a destination
  } catch {
    return null;
  }
  if (url.protocol === "https:" && url.hostname) {
    return { kind: "https", label: url.hostname.toLowerCase(), href: url.href };
  }
  if (url.protocol === "mailto:") {
    let address;
    try {
      address = decodeURIComponent(url.pathname).trim().toLowerCase();
    } catch {
      return null;
    }
    return address ? { kind: "mailto", label: address, href: url.href } : null;
  }
  return null;
}

// What a reader cannot see: white space, format characters, and the blank Hangul/Braille fillers.
const INVISIBLE = /[\s\p{Cf}\p{Z}\u115F\u1160\u3164\uFFA0\u2800]/gu;

function visible(text) {
  return String(text).replace(INVISIBLE, "");
}

function hostOf(text) {
  if (text.includes("@") || /\s/.test(text)) return null; // user@host hides the real host
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`;
  try {
    const url = new URL(withScheme);
    return url.protocol === "https:" || url.protocol === "http:" ? url.hostname.toLowerCase() : null;
  } catch {
    return null;
  }
}

/** Whether a link's visible text already tells the truth about its destination. */
export function textNamesDestination(text, destination) {
  const shown = String(text).trim().toLowerCase();
  if (visible(shown) !== shown.replace(/\s/g, "")) return false; // hidden characters: say where
  if (!shown) return false;
  if (destination.kind === "mailto") {
    return shown === destination.label || shown === `mailto:${destination.label}`;
  }
  // An internationalised host can look like another one (Cyrillic "а" for "a"): always spell it
  // out in its ASCII form, whatever the text says.
  if (destination.label.split(".").some((part) => part.startsWith("xn--"))) return false;
  return shown === destination.label || hostOf(shown) === destination.label;
}

/** Applies the rules above to every <a> under `root` (a sanitised fragment). */
export function checkLinks(root) {
  for (const link of [...root.querySelectorAll("a")]) {
    const destination = linkDestination(link.getAttribute("href"));
    const text = link.textContent || "";
    if (!visible(text)) {
      link.remove();
      continue;
    }
    if (!destination) {
      link.replaceWith(...link.childNodes);
      continue;
    }
    link.setAttribute("href", destination.href); // the parsed form: what the browser will open
    link.setAttribute("title", destination.href);
    if (!textNamesDestination(text, destination)) {
      const note = document.createElement("span");
      note.className = "link-host";
      note.dataset.host = destination.label;
      note.textContent = ` (${destination.label})`;
      link.after(note);
    }
  }
}
