// Text helpers of the check-in page. Times are written by hand as 24-hour HH:MM in the
// event's time zone: a phone set to English or to a 12-hour clock shows the same as one in
// Vietnamese (toLocale* would follow the phone's settings).

const clocks = new Map();

function clock(timeZone) {
  if (!clocks.has(timeZone)) {
    // Only the numeric parts of this formatter are read, never its locale's wording.
    clocks.set(timeZone, new Intl.DateTimeFormat("en-US", {
      timeZone: timeZone, hourCycle: "h23", hour: "2-digit", minute: "2-digit",
      numberingSystem: "latn"}));
  }
  return clocks.get(timeZone);
}

function pad(value) { return String(value).padStart(2, "0"); }

/** An instant (Date, ISO text or epoch ms) as HH:MM in ``timeZone``. */
export function hhmm(instant, timeZone) {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) { return ""; }
  const parts = {};
  try {
    clock(timeZone).formatToParts(date).forEach(function (p) { parts[p.type] = p.value; });
  } catch (unknownZone) {  // an IANA name the browser lacks: the device's own clock
    return pad(date.getHours()) + ":" + pad(date.getMinutes());
  }
  return pad(Number(parts.hour) % 24) + ":" + pad(parts.minute);
}

/** A count as the pages write it (formatting.number): "." between thousands, 11.119. */
export function number(count) {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
}

/** Lower case, no diacritics (đ → d), single spaces: how names are compared. */
export function fold(text) {
  return (text || "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
}
