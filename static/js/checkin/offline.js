// The session's offline table (``checkin/lists.offline_table``): what the door can judge
// with the server unreachable. Codes are known only by their SHA-256 fingerprints; each
// entry is [fingerprint, status, name, unit index, category index, seat, HH:MM, id], and a
// substituted entry (status 5) has the substitute's name ninth.
import {fingerprint, readCode} from "./codes.js";
import {fold} from "./format.js";

const OK = 0, CHECKED_IN = 1;  // then 2 revoked, 3 not invited, 4 not approved, 5 substituted
/** By an entry's status: how the name search labels it, and the server's answer to a scan. */
const SEARCH_STATUS = ["ok", "checked_in", "revoked", "not_invited", "not_approved",
                       "substituted"];
const SCAN_RESULT = ["checked_in", "already_checked_in", "revoked", "not_invited",
                     "not_approved", "substituted"];

export class OfflineTable {
  /** ``rule`` is the page config's code rule; ``store`` keeps the table (see store.js). */
  constructor(rule, store) {
    this.rule = rule;
    this.store = store;
    this.data = null;
    this.fetchedAt = null;  // epoch ms when this device received the table
    this.byFingerprint = new Map();
    this.byId = new Map();
  }

  get loaded() { return this.data !== null; }

  /** The table the store kept from an earlier visit (or browser session), if any. */
  async restore() {
    const kept = await this.store.table.get();
    if (kept && !this.loaded) {
      this.index(kept.data);
      this.fetchedAt = kept.fetchedAt;
    }
  }

  /** A fresh table from the server replaces the old one. */
  async replace(data) {
    await this.store.table.put(data);
    this.index(data);
    this.fetchedAt = Date.now();
  }

  index(data) {
    this.data = data;
    this.byFingerprint = new Map();
    this.byId = new Map();
    data.entries.forEach((e) => { this.byFingerprint.set(e[0], e); this.byId.set(e[7], e); });
  }

  /** ``{arrived, expected}`` among those invited to the session and not revoked. */
  counts() {
    let expected = 0, arrived = 0;
    this.data.entries.forEach(function (e) {
      if (e[1] <= CHECKED_IN) { expected += 1; }
      if (e[1] === CHECKED_IN) { arrived += 1; }
    });
    return {arrived: arrived, expected: expected};
  }

  /** Note an arrival the server (or this door, offline) recorded; true if it is news. */
  markArrived(attendeeId, time) {
    const entry = this.byId.get(attendeeId);
    if (!entry || entry[1] !== OK) { return false; }
    entry[1] = CHECKED_IN;
    entry[6] = time;
    return true;
  }

  /** The person an entry describes, in the shape of the server's answers. */
  person(entry) {
    const t = this.data;
    return {id: entry[7], full_name: entry[2], unit_name: t.units[entry[3]],
            category: t.categories[entry[4]], seat: entry[5],
            status: SEARCH_STATUS[entry[1]], checked_in_time: entry[6]};
  }

  /** The outcome the server would give a scan of ``code`` (or of ``attendeeId``, found by
   *  name): ``{result, attendee, checked_in_time}``, ``result`` null with no table yet. */
  judge(scan) {
    let entry;
    if (scan.code) {
      const code = readCode(scan.code, this.rule);
      if (!code) { return {result: "unknown_code"}; }  // never a code, with or without a table
      if (!this.loaded) { return {result: null}; }
      entry = this.byFingerprint.get(fingerprint(code));
    } else {
      if (!this.loaded) { return {result: null}; }
      entry = this.byId.get(scan.attendeeId);
    }
    if (!entry) { return {result: "unknown_code"}; }
    const judged = {result: SCAN_RESULT[entry[1]], attendee: this.person(entry),
                    checked_in_time: entry[6]};
    if (entry[8]) { judged.replacement = {full_name: entry[8]}; }  // as the server answers
    return judged;
  }

  /** The person behind a scan, if the table knows them (for a repeated offline scan). */
  find(scan) {
    if (!this.loaded) { return null; }
    const code = scan.code && readCode(scan.code, this.rule);
    const entry = code ? this.byFingerprint.get(fingerprint(code)) : this.byId.get(scan.attendeeId);
    return entry ? this.person(entry) : null;
  }

  /** Up to 15 people whose name holds every word of ``query`` (diacritics ignored). */
  search(query) {
    const words = fold(query).split(" ").filter(Boolean);
    if (!this.loaded || !words.length) { return []; }
    return this.data.entries.filter(function (e) {
      const name = fold(e[2]);
      return words.every(function (w) { return name.indexOf(w) >= 0; });
    }).slice(0, 15).map((e) => this.person(e));
  }
}
