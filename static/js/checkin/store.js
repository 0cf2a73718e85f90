// The scanner's storage and offline queue: the one module that keeps anything on the device.
// Every method answers a Promise and runs after the previous call has finished, so the
// backing store can move from localStorage (and memory, for the offline table) to
// IndexedDB without the rest of the page changing. The keys and the queued items' shape
// are those of earlier versions: scans queued before an update still sync after it.

const QUEUE_KEY = "eventapp.checkin.queue.v1";
const PROBLEM_KEY = "eventapp.checkin.problems.v1";
const DEVICE_KEY = "eventapp.checkin.device";
const RECENT_KEEP = 30;
const PROBLEM_KEEP = 200;

function read(key, fallback) {
  try {
    const value = JSON.parse(window.localStorage.getItem(key));
    return value === null ? fallback : value;
  } catch (unreadable) {
    return fallback;
  }
}

function write(key, value) {
  try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (full) { /* kept in memory only */ }
}

/** The store of one scanner page: ``scope`` is ``{event, session}`` (slug and key). */
export function openStore(scope) {
  const recentKey = "eventapp.checkin.recent." + scope.event + "." + scope.session;
  let table = null;  // memory only for now: reloaded from the server on every page load
  let last = Promise.resolve();

  function run(step) {
    const done = last.then(step);
    last = done.catch(function () { /* the caller sees the error; the next call still runs */ });
    return done;
  }

  return {
    queue: {
      /** Scans waiting for the server, oldest first (every event and session). */
      all: function () { return run(function () { return read(QUEUE_KEY, []); }); },
      add: function (item) {
        return run(function () { write(QUEUE_KEY, read(QUEUE_KEY, []).concat([item])); });
      },
      remove: function (id) {
        return run(function () {
          write(QUEUE_KEY, read(QUEUE_KEY, []).filter(function (q) { return q.id !== id; }));
        });
      },
    },
    recent: {
      /** This session's latest scans on this device, newest first. */
      all: function () { return run(function () { return read(recentKey, []); }); },
      add: function (entry) {
        return run(function () {
          write(recentKey, [entry].concat(read(recentKey, [])).slice(0, RECENT_KEEP));
        });
      },
      /** Give a queued scan its answer once the server has judged it. */
      settle: function (scanId, kind, title) {
        return run(function () {
          const list = read(recentKey, []);
          list.forEach(function (r) {
            if (r.id === scanId) { r.pending = false; r.kind = kind; r.title = title; }
          });
          write(recentKey, list);
        });
      },
    },
    problems: {
      /** Queued scans the server did not accept as they were judged offline. */
      all: function () { return run(function () { return read(PROBLEM_KEY, []); }); },
      add: function (problem) {
        return run(function () {
          write(PROBLEM_KEY, [problem].concat(read(PROBLEM_KEY, [])).slice(0, PROBLEM_KEEP));
        });
      },
      clear: function () { return run(function () { write(PROBLEM_KEY, []); }); },
    },
    device: {
      /** The door's label, typed once per device. */
      get: function () {
        return run(function () {
          try { return window.localStorage.getItem(DEVICE_KEY) || ""; } catch (denied) { return ""; }
        });
      },
      set: function (label) {
        return run(function () {
          try { window.localStorage.setItem(DEVICE_KEY, label); } catch (denied) { /* this page only */ }
        });
      },
    },
    table: {
      /** The session's offline table as last received from the server, or null. */
      get: function () { return run(function () { return table; }); },
      put: function (value) { return run(function () { table = value; }); },
    },
  };
}
