// The scanner's storage: the one module that keeps anything on the device. Everything is in
// IndexedDB, so the session's offline table (with the time it was fetched), the queue of
// offline scans, the recent scans and the problems found by the sync survive a reload, a
// closed tab and a browser restart. Every method answers a Promise. Scans queued by
// earlier versions (in localStorage, same item shape) move in when the database is created,
// so they still sync after an update.

const DB_NAME = "eventapp-checkin";
const DB_VERSION = 1;
const LEGACY = {queue: "eventapp.checkin.queue.v1", problems: "eventapp.checkin.problems.v1",
                device: "eventapp.checkin.device", recent: "eventapp.checkin.recent."};
const RECENT_KEEP = 30;
const PROBLEM_KEEP = 200;

function result(req) {
  return new Promise(function (resolve, reject) {
    req.onsuccess = function () { resolve(req.result); };
    req.onerror = function () { reject(req.error); };
  });
}

function finished(tx) {
  return new Promise(function (resolve, reject) {
    tx.oncomplete = function () { resolve(); };
    tx.onerror = tx.onabort = function () { reject(tx.error); };
  });
}

function legacyRead(key, fallback) {
  try {
    const value = JSON.parse(window.localStorage.getItem(key));
    return value === null ? fallback : value;
  } catch (unreadable) {
    return fallback;
  }
}

function legacyKeys() {
  try { return Object.keys(window.localStorage); } catch (denied) { return []; }
}

/** Create the stores and bring in what the localStorage version kept (oldest first). */
function create(db, tx) {
  const queue = db.createObjectStore("queue", {keyPath: "seq", autoIncrement: true});
  queue.createIndex("id", "id", {unique: true});
  db.createObjectStore("recent", {keyPath: "seq", autoIncrement: true}).createIndex("scope", "scope");
  db.createObjectStore("problems", {keyPath: "seq", autoIncrement: true});
  db.createObjectStore("tables", {keyPath: "scope"});
  db.createObjectStore("settings");
  legacyRead(LEGACY.queue, []).forEach(function (item) { queue.add(item); });
  legacyRead(LEGACY.problems, []).slice().reverse().forEach(function (p) { tx.objectStore("problems").add(p); });
  legacyKeys().filter(function (k) { return k.startsWith(LEGACY.recent); }).forEach(function (key) {
    const rest = key.slice(LEGACY.recent.length), dot = rest.lastIndexOf(".");
    const scope = rest.slice(0, dot) + "/" + rest.slice(dot + 1);
    legacyRead(key, []).slice().reverse().forEach(function (r) {
      tx.objectStore("recent").add(Object.assign({}, r, {scope: scope}));
    });
  });
  try {
    const device = window.localStorage.getItem(LEGACY.device);
    if (device) { tx.objectStore("settings").put(device, "device"); }
  } catch (denied) { /* no label to bring in */ }
}

function forgetLegacy() {
  try {
    [LEGACY.queue, LEGACY.problems, LEGACY.device].concat(legacyKeys().filter(function (k) {
      return k.startsWith(LEGACY.recent);
    })).forEach(function (k) { window.localStorage.removeItem(k); });
  } catch (denied) { /* nothing was kept there */ }
}

function openDatabase() {
  return new Promise(function (resolve, reject) {
    const req = window.indexedDB.open(DB_NAME, DB_VERSION);
    let created = false;
    req.onupgradeneeded = function (event) {
      if (event.oldVersion < 1) { create(req.result, req.transaction); created = true; }
    };
    req.onsuccess = function () {
      const db = req.result;
      db.onversionchange = function () { db.close(); };  // a newer page version upgrades it
      if (created) { forgetLegacy(); }
      resolve(db);
    };
    req.onerror = function () { reject(req.error); };
    // onblocked: an older page still holds the database; it closes it on versionchange.
  });
}

/** The store of one scanner page: ``scope`` is ``{event, session}`` (slug and key). */
export function openStore(scope) {
  const key = scope.event + "/" + scope.session;
  const opened = openDatabase();

  /** Run ``step(stores)`` in one transaction over ``names``; resolves with its value. */
  async function inTx(names, mode, step) {
    const db = await opened;
    const tx = db.transaction(names, mode);
    const done = finished(tx);
    const stores = {};
    names.forEach(function (n) { stores[n] = tx.objectStore(n); });
    let value;
    try {
      value = await step(stores);
    } catch (error) {
      try { tx.abort(); } catch (finishedAlready) { /* nothing left to undo */ }
      done.catch(function () { /* the step's error is the one to report */ });
      throw error;
    }
    await done;
    return value;
  }

  /** Delete all but the newest ``keep`` records of ``keys`` (primary keys, oldest first). */
  function prune(store, keys, keep) {
    keys.slice(0, Math.max(0, keys.length - keep)).forEach(function (k) { store.delete(k); });
  }

  return {
    queue: {
      /** Scans waiting for the server, oldest first (every event and session). */
      all: function () {
        return inTx(["queue"], "readonly", function (s) { return result(s.queue.getAll()); });
      },
      add: function (item) {
        return inTx(["queue"], "readwrite", function (s) { s.queue.add(item); });
      },
      remove: function (id) {
        return inTx(["queue"], "readwrite", async function (s) {
          const seq = await result(s.queue.index("id").getKey(id));
          if (seq !== undefined) { s.queue.delete(seq); }
        });
      },
    },
    recent: {
      /** This session's latest scans on this device, newest first. */
      all: function () {
        return inTx(["recent"], "readonly", async function (s) {
          return (await result(s.recent.index("scope").getAll(key))).reverse().slice(0, RECENT_KEEP);
        });
      },
      add: function (entry) {
        return inTx(["recent"], "readwrite", async function (s) {
          s.recent.add(Object.assign({}, entry, {scope: key}));
          prune(s.recent, await result(s.recent.index("scope").getAllKeys(key)), RECENT_KEEP);
        });
      },
      /** Give a queued scan its answer once the server has judged it. */
      settle: function (scanId, kind, title) {
        return inTx(["recent"], "readwrite", async function (s) {
          const list = await result(s.recent.index("scope").getAll(key));
          list.filter(function (r) { return r.id === scanId; }).forEach(function (r) {
            s.recent.put(Object.assign(r, {pending: false, kind: kind, title: title}));
          });
        });
      },
    },
    problems: {
      /** Queued scans the server did not accept as they were judged offline, newest first. */
      all: function () {
        return inTx(["problems"], "readonly", async function (s) {
          return (await result(s.problems.getAll())).reverse();
        });
      },
      add: function (problem) {
        return inTx(["problems"], "readwrite", async function (s) {
          s.problems.add(problem);
          prune(s.problems, await result(s.problems.getAllKeys()), PROBLEM_KEEP);
        });
      },
      clear: function () {
        return inTx(["problems"], "readwrite", function (s) { s.problems.clear(); });
      },
    },
    device: {
      /** The door's label, typed once per device. */
      get: function () {
        return inTx(["settings"], "readonly", async function (s) {
          return (await result(s.settings.get("device"))) || "";
        });
      },
      set: function (label) {
        return inTx(["settings"], "readwrite", function (s) { s.settings.put(label, "device"); });
      },
    },
    table: {
      /** The session's offline table as last received: ``{data, fetchedAt}`` (epoch ms), or null. */
      get: function () {
        return inTx(["tables"], "readonly", async function (s) {
          return (await result(s.tables.get(key))) || null;
        });
      },
      put: function (data) {
        return inTx(["tables"], "readwrite", function (s) {
          s.tables.put({scope: key, data: data, fetchedAt: Date.now()});
        });
      },
    },
  };
}
