// What a scanner typed or a QR code holds, read with the server's own rule: the page
// config carries rules.CODE_PATTERN and MAX_CODE_LENGTH, so a code wrapped in a URL
// (https://…/c/<code>) is the same code offline as it is to the server.
import {sha256} from "./sha256.js";

/** The code inside ``raw``, upper-cased, or null — as ``rules.extract_code`` reads it. */
export function readCode(raw, rule) {
  if (!raw) { return null; }
  // Python counts code points, JavaScript UTF-16 units: count like the server near the limit.
  if (raw.length > rule.maxLength && Array.from(raw).length > rule.maxLength) { return null; }
  const found = raw.trim().toUpperCase().match(new RegExp(rule.pattern));
  return found ? found[0] : null;
}

/** The code's fingerprint in the offline table (``registration.codes.code_fingerprint``). */
export function fingerprint(code) {
  return sha256(code.trim().toUpperCase());
}
