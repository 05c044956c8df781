// fake-seam's console: reads the fake through /_fake/console/overview and /_fake/console/lock,
// drives it through the same /_fake control routes every client uses (JSON POSTs), and
// listens to /_fake/console/stream to know when to read again. No dependencies, no build.
"use strict";

const TOKEN_HEADER = "x-fake-seam-control-token";
const TOKEN_KEY = "fake-seam-control-token";
const TIMELINE_MAX = 200; // entries kept in the page: hours of events must not grow it
const CODES_PAGE = 50;

const state = {
  workspace: null,
  offset: 0,
  limit: 24,
  search: "",
  device: null, // the lock open in the panel
  codeOffset: 0,
  codeSearch: "",
  overview: null,
  lock: null,
  lastSeq: 0,
  clock: null, // {at: Date, frozen, fetched: performance.now()}
  names: new Map(), // device_id -> display name, for the timeline
};

const $ = (id) => document.getElementById(id);

function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
  })[c]);
}

// -- the token: typed by the person, kept in this tab only -------------------------------------

function takeTokenFromUrl() {
  const url = new URL(location.href);
  const token = url.searchParams.get("token");
  if (token !== null) {
    sessionStorage.setItem(TOKEN_KEY, token);
    url.searchParams.delete("token");
    history.replaceState(null, "", url.pathname + url.search + url.hash); // out of the address bar and history
  }
}

function headers(json) {
  const out = {};
  if (json) out["content-type"] = "application/json";
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) out[TOKEN_HEADER] = token;
  return out;
}

// -- talking to the fake -------------------------------------------------------------------------

class Refused extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || `HTTP ${status}`);
    this.status = status;
    this.type = body && body.error && body.error.type;
  }
}

async function call(path, body = {}) {
  const response = await fetch(path, {
    method: "POST",
    headers: headers(true),
    body: JSON.stringify(body),
    cache: "no-store",
  });
  let answer = null;
  try { answer = await response.json(); } catch (_) { /* a gateway's plain text */ }
  if (!response.ok) throw new Refused(response.status, answer);
  return answer;
}

function say(text, kind = "info") {
  const status = $("status");
  status.textContent = text;
  status.dataset.kind = kind;
}

function explain(error) {
  if (error instanceof Refused && (error.status === 401 || error.status === 403)) {
    $("token-box").open = true;
    return `${error.message} — this server's control routes need its control token (Control token, above).`;
  }
  return error.message;
}

// A control from a button: the route, its JSON, then read everything again.
async function drive(path, body, done) {
  try {
    const answer = await call(path, body);
    if (done) say(done(answer));
  } catch (error) {
    say(explain(error), "error");
  }
  refresh(0);
}

// -- reading, coalesced: a burst of events is one read ---------------------------------------------

let reading = false;
let again = false;
let timer = null;

function refresh(delay = 120) {
  if (timer !== null) return;
  timer = setTimeout(() => { timer = null; read(); }, delay);
}

async function read() {
  if (reading) { again = true; return; }
  reading = true;
  try {
    const overview = await call("/_fake/console/overview", {
      workspace_id: state.workspace || undefined, offset: state.offset, limit: state.limit, search: state.search || undefined,
    });
    let lock = null;
    if (state.device) {
      try {
        lock = await call("/_fake/console/lock", {
          device_id: state.device, offset: state.codeOffset, limit: CODES_PAGE, search: state.codeSearch || undefined,
        });
      } catch (error) {
        if (!(error instanceof Refused && error.status === 404)) throw error;
        state.device = null; // gone (a reset, a removal)
      }
    }
    state.overview = overview;
    state.lock = lock;
    render();
    if (document.body.dataset.state !== "ready") {
      document.body.dataset.state = "ready";
      performance.mark("fake-seam-console-ready"); // what benchmarks/console_page.py reads
    }
  } catch (error) {
    say(explain(error), "error");
    document.body.dataset.state = "refused";
  } finally {
    reading = false;
    document.body.dataset.version = String(Number(document.body.dataset.version) + 1);
    if (again) { again = false; refresh(0); }
  }
}

// -- drawing ---------------------------------------------------------------------------------------

function render() {
  const o = state.overview;
  state.workspace = o.workspace_id;
  state.clock = { at: Date.parse(o.clock.now), frozen: o.clock.frozen, fetched: performance.now() };
  drawClock();
  $("freeze").textContent = o.clock.frozen ? "Unfreeze" : "Freeze";
  $("freeze").setAttribute("aria-pressed", String(o.clock.frozen));
  drawWorkspaces(o);
  const last = Math.min(o.offset + o.locks.length, o.total_locks);
  $("page-info").textContent = o.total_locks ? `${o.offset + 1}–${last} of ${o.total_locks}` : "no locks";
  $("prev").disabled = o.offset === 0;
  $("next").disabled = last >= o.total_locks;
  for (const lock of o.locks) state.names.set(lock.device_id, lock.display_name);
  drawCards(o.locks);
  drawPanel(state.lock);
  mergeEvents(o.events, o.last_event_seq);
  drawDeliveries(o.webhook_deliveries);
}

function drawClock() {
  const c = state.clock;
  if (!c) return;
  const now = c.frozen ? c.at : c.at + (performance.now() - c.fetched);
  $("clock-now").textContent = new Date(now).toISOString().slice(0, 19).replace("T", " ") + " UTC";
  const mode = $("clock-mode");
  mode.textContent = c.frozen ? "frozen" : "running";
  mode.className = `badge ${c.frozen ? "frozen" : "running"}`;
}

function drawWorkspaces(o) {
  const select = $("workspace");
  const wanted = o.workspaces.map((w) => `${w.workspace_id}|${w.name}|${w.locks}`).join(",");
  if (select.dataset.drawn !== wanted) {
    select.innerHTML = o.workspaces
      .map((w) => `<option value="${esc(w.workspace_id)}">${esc(w.name)} (${w.locks} locks)</option>`)
      .join("");
    select.dataset.drawn = wanted;
  }
  select.value = o.workspace_id || "";
}

function issues(list, kind) {
  if (!list.length) return "";
  const key = kind === "error" ? "error_code" : "warning_code";
  return `<ul class="issues ${kind}s">${list
    .map((i) => `<li class="${kind}" data-code="${esc(i[key])}"><strong>${esc(i[key])}</strong> ${esc(i.message)}</li>`)
    .join("")}</ul>`;
}

function faultPlan(plan) {
  const parts = [];
  if (plan.fail_next) parts.push(`fails next ${plan.fail_next} (${plan.error_code})`);
  if (plan.failure_rate) parts.push(`fails ${Math.round(plan.failure_rate * 1000) / 10}% of writes`);
  if (plan.offline_until) parts.push(`offline until ${plan.offline_until.slice(0, 19).replace("T", " ")}`);
  if (parts.length && plan.aim !== "all_writes") parts.push(`aim: ${plan.aim}`);
  return parts.length ? parts.join("; ") : "none";
}

function slotRows(slots) {
  return slots
    .map((s) => `<tr data-slot="${s.slot}" class="origin-${esc(s.origin)}"><td>${s.slot}</td><td class="pin">${esc(s.code)}</td><td>${esc(s.name)}</td><td>${esc(s.origin)}</td></tr>`)
    .join("");
}

function slotTable(lock, caption) {
  if (!lock.slots.length) return `<p class="muted">No codes on the lock (${lock.capacity} slots free).</p>`;
  const more = lock.slots_used > lock.slots.length ? `<p class="muted">+${lock.slots_used - lock.slots.length} more: open the lock to see all.</p>` : "";
  return `<table class="slots"><caption>${esc(caption)}</caption><thead><tr><th scope="col">Slot</th><th scope="col">PIN</th><th scope="col">Name</th><th scope="col">Origin</th></tr></thead><tbody>${slotRows(lock.slots)}</tbody></table>${more}`;
}

function poolLine(pool) {
  if (!pool.supported) return "not supported";
  const state = pool.is_active ? "" : " (not activated)";
  return `size ${pool.pool_size} · ready ${numberOf(pool.ready)} · pulled ${numberOf(pool.pulled)} · in flight ${numberOf(pool.in_flight)}${state}`;
}

function numberOf(value) {
  return Array.isArray(value) ? value.length : value;
}

function cardBody(lock) {
  return `
    <dl class="facts">
      <div><dt>Slots</dt><dd>${lock.slots_used} of ${lock.capacity} used · ${lock.access_codes} access codes</dd></div>
      <div><dt>Writes</dt><dd class="writes"><span data-writes="in-flight">${lock.writes_in_flight} in flight</span> · <span data-writes="held">${lock.writes_held} held</span></dd></div>
      <div><dt>Fault plan</dt><dd class="fault-plan">${esc(faultPlan(lock.fault_plan))}</dd></div>
      <div><dt>Backup pool</dt><dd class="pool">${esc(poolLine(lock.backup_pool))}</dd></div>
    </dl>
    ${issues(lock.errors, "error")}${issues(lock.warnings, "warning")}
    ${slotTable(lock, `Slots of ${lock.display_name}`)}`;
}

function cardHead(lock) {
  const online = lock.online ? "online" : "offline";
  return `<span class="brand">${esc(lock.manufacturer)}</span><span class="badge ${online}" data-online="${lock.online}">${online}</span>`;
}

function drawCards(locks) {
  const cards = $("cards");
  const keep = new Set(locks.map((l) => l.device_id));
  for (const card of [...cards.children]) if (!keep.has(card.dataset.deviceId)) card.remove();
  let previous = null;
  for (const lock of locks) {
    let card = cards.querySelector(`article[data-device-id="${CSS.escape(lock.device_id)}"]`);
    if (!card) {
      card = document.createElement("article");
      card.className = "card";
      card.dataset.deviceId = lock.device_id;
      card.innerHTML = `<header><h3><button type="button" class="open"></button></h3><span class="head"></span></header><div class="body"></div>`;
      card.querySelector(".open").addEventListener("click", () => openLock(lock.device_id));
    }
    const drawn = JSON.stringify(lock);
    if (card.dataset.drawn !== drawn) {
      // Only what changed is drawn again: the button keeps its focus across live updates.
      card.querySelector(".open").textContent = lock.display_name;
      card.querySelector(".open").setAttribute("aria-expanded", String(state.device === lock.device_id));
      card.querySelector(".head").innerHTML = cardHead(lock);
      card.querySelector(".body").innerHTML = cardBody(lock);
      card.classList.toggle("is-offline", !lock.online);
      card.classList.toggle("has-errors", lock.errors.length > 0);
      card.dataset.drawn = drawn;
    }
    card.classList.toggle("selected", state.device === lock.device_id);
    const wanted = previous ? previous.nextElementSibling : cards.firstElementChild;
    if (wanted !== card) cards.insertBefore(card, wanted);
    previous = card;
  }
}

function windowOf(code) {
  if (code.type !== "time_bound") return "ongoing";
  const short = (t) => (t ? t.slice(0, 16).replace("T", " ") : "…");
  return `${short(code.starts_at)} → ${short(code.ends_at)}`;
}

function backupCell(code) {
  const parts = [];
  if (code.is_backup) parts.push("is a pulled backup");
  parts.push(code.is_backup_access_code_available ? "available" : "not available");
  if (code.pulled_backup_access_code_id) parts.push(`pulled: ${code.pulled_backup_access_code_id}`);
  return parts.join(" · ");
}

function codeRows(codes) {
  return codes
    .map((c) => `<tr data-access-code-id="${esc(c.access_code_id)}" data-status="${esc(c.status)}">
      <td>${esc(c.name) || '<span class="muted">(no name)</span>'}<div class="id">${esc(c.access_code_id)}</div></td>
      <td class="pin">${esc(c.code)}</td>
      <td><span class="status status-${esc(c.status)}">${esc(c.status)}</span></td>
      <td>${esc(windowOf(c))}</td>
      <td>${issues(c.errors, "error")}${issues(c.warnings, "warning")}</td>
      <td class="backup" data-available="${c.is_backup_access_code_available}">${esc(backupCell(c))}</td>
    </tr>`)
    .join("");
}

function backupList(title, backups) {
  if (!backups.length) return "";
  const items = backups
    .map((b) => `<li><span class="pin">${esc(b.code)}</span> ${esc(b.access_code_id)} (${esc(b.status)})${b.pulled_for ? ` for ${esc(b.pulled_for)}` : ""}</li>`)
    .join("");
  return `<h4>${esc(title)}</h4><ul class="backups">${items}</ul>`;
}

function drawPanel(detail) {
  const panel = $("lock-panel");
  if (!detail) {
    panel.hidden = true;
    return;
  }
  const lock = detail.lock;
  panel.hidden = false;
  panel.dataset.deviceId = lock.device_id;
  $("lock-title").textContent = `${lock.display_name} · ${lock.manufacturer} · ${lock.device_id}`;
  const toggle = $("toggle-online");
  toggle.textContent = lock.online ? "Take offline" : "Bring online";
  toggle.dataset.online = String(lock.online);
  const pool = $("pool-size");
  if (document.activeElement !== pool) pool.value = String(detail.backup_pool.pool_size);
  pool.disabled = !detail.backup_pool.supported;
  const writes = detail.writes.length
    ? `<table class="writes-table"><caption>Writes in flight and held</caption><thead><tr><th scope="col">Code</th><th scope="col">Write</th><th scope="col">State</th></tr></thead><tbody>${detail.writes
        .map((w) => `<tr data-access-code-id="${esc(w.access_code_id)}" data-held="${w.held}"><td>${esc(w.name || w.access_code_id)}</td><td>${w.erase ? "erase" : `program ${esc(w.code)}`} (${esc(w.origin)})</td><td>${w.held ? "held: lock offline" : `lands ${esc((w.due_at || "").slice(0, 19).replace("T", " "))}`}</td></tr>`)
        .join("")}</tbody></table>`
    : `<p class="muted">No writes in flight.</p>`;
  const body = `
    <div class="lock-grid">
      <div>
        <span class="badge ${lock.online ? "online" : "offline"}" id="lock-online">${lock.online ? "online" : "offline"}</span>
        <dl class="facts">
          <div><dt>Fault plan</dt><dd class="fault-plan">${esc(faultPlan(lock.fault_plan))}</dd></div>
          <div><dt>Programming delay</dt><dd>${detail.programming_delay_seconds} s</dd></div>
          <div><dt>Backup pool</dt><dd class="pool">${esc(poolLine(detail.backup_pool))}</dd></div>
        </dl>
        ${issues(lock.errors, "error")}${issues(lock.warnings, "warning")}
        ${writes}
        ${backupList("Ready backups", detail.backup_pool.ready)}${backupList("Pulled backups", detail.backup_pool.pulled)}${backupList("Backups in flight", detail.backup_pool.in_flight)}
      </div>
      <div class="scroll">${slotTable(lock, "Slot table")}</div>
    </div>`;
  const area = $("lock-body");
  if (area.dataset.drawn !== body) {
    area.innerHTML = body;
    area.dataset.drawn = body;
  }
  const rows = codeRows(detail.access_codes);
  const tbody = $("codes").tBodies[0];
  if (tbody.dataset.drawn !== rows) {
    tbody.innerHTML = rows || `<tr><td colspan="6" class="muted">No access codes.</td></tr>`;
    tbody.dataset.drawn = rows;
  }
  const last = Math.min(detail.offset + detail.access_codes.length, detail.total_access_codes);
  $("codes-info").textContent = detail.total_access_codes
    ? `${detail.offset + 1}–${last} of ${detail.total_access_codes}` : "none";
  $("codes-prev").disabled = detail.offset === 0;
  $("codes-next").disabled = last >= detail.total_access_codes;
}

// -- the timeline: merged from reads and the stream, capped -------------------------------------------

function timelineEntry(event) {
  const li = document.createElement("li");
  li.dataset.seq = String(event.seq);
  li.dataset.eventType = event.event_type;
  const at = typeof event.occurred_at === "number"
    ? new Date(event.occurred_at * 1000).toISOString() : String(event.occurred_at || "");
  const device = event.device_id ? state.names.get(event.device_id) || event.device_id : "";
  const code = event.access_code_id ? ` · ${event.access_code_id.slice(0, 8)}` : "";
  li.innerHTML = `<time>${esc(at.slice(11, 19))}</time> <strong>${esc(event.event_type)}</strong> <span class="muted">${esc(device)}${esc(code)}</span>`;
  return li;
}

function addEvents(events) {
  const list = $("timeline");
  for (const event of events) {
    if (event.seq <= state.lastSeq) continue;
    state.lastSeq = event.seq;
    list.prepend(timelineEntry(event));
  }
  while (list.childElementCount > TIMELINE_MAX) list.lastElementChild.remove();
}

function mergeEvents(events, lastSeq) {
  if (lastSeq < state.lastSeq) clearTimeline(); // the fake went back to its seed
  addEvents(events);
}

function clearTimeline() {
  $("timeline").replaceChildren();
  state.lastSeq = 0;
}

function drawDeliveries(deliveries) {
  const list = $("deliveries");
  const items = deliveries.slice().reverse()
    .map((d) => `<li class="delivery outcome-${esc(d.outcome)}"><strong>${esc(d.event_type)}</strong> → ${esc(d.url)}<br><span class="muted">try ${d.attempt}: ${esc(d.outcome)}${d.status_code ? ` (HTTP ${d.status_code})` : ""}${d.error ? ` — ${esc(d.error)}` : ""}</span></li>`)
    .join("") || `<li class="muted">No webhook deliveries.</li>`;
  if (list.dataset.drawn !== items) {
    list.innerHTML = items;
    list.dataset.drawn = items;
  }
}

// -- the stream: fetch, so the token travels in a header ---------------------------------------------

let streamAbort = null;
let retryDelay = 500;

function setLive(live) {
  const badge = $("live");
  badge.textContent = live ? "live" : "reconnecting";
  badge.className = `badge ${live ? "on" : "off"}`;
}

function onMessage(kind, data) {
  if (kind === "event") {
    if (data.workspace_id === state.workspace) addEvents([data]);
    refresh();
  } else if (kind === "reset") {
    clearTimeline();
    refresh(0);
  } else if (kind === "hello") {
    if (data.seq < state.lastSeq) clearTimeline();
    refresh(0);
  } else {
    refresh();
  }
}

async function listen() {
  streamAbort = new AbortController();
  const mine = streamAbort;
  try {
    const response = await fetch("/_fake/console/stream", { headers: headers(false), signal: mine.signal, cache: "no-store" });
    if (response.ok && response.body) {
      setLive(true);
      retryDelay = 500;
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let kind = "message";
          let data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith("event: ")) kind = line.slice(7);
            else if (line.startsWith("data: ")) data += line.slice(6);
          }
          if (data) onMessage(kind, JSON.parse(data));
        }
      }
    }
  } catch (_) {
    // the server stopped or the network dropped: try again below
  }
  if (mine !== streamAbort) return; // replaced (a new token)
  setLive(false);
  setTimeout(listen, retryDelay);
  retryDelay = Math.min(retryDelay * 2, 10000);
}

function restartStream() {
  if (streamAbort) streamAbort.abort();
  listen();
}

// -- what the buttons do ------------------------------------------------------------------------------

function openLock(deviceId) {
  const changed = state.device !== deviceId;
  state.device = deviceId;
  if (changed) {
    state.codeOffset = 0;
    state.codeSearch = "";
    $("code-search").value = "";
    $("keypad-result").textContent = "";
    delete $("keypad-result").dataset.opened;
  }
  refresh(0);
  requestAnimationFrame(() => $("lock-title").focus());
}

function wire() {
  $("advance-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const seconds = Number($("advance-amount").value) * Number($("advance-unit").value);
    drive("/_fake/clock/advance", { seconds }, (a) => `Clock advanced to ${a.now}`);
  });
  $("settle").addEventListener("click", () => drive("/_fake/settle", {}, (a) => `Settled at ${a.now}`));
  $("freeze").addEventListener("click", () => {
    const frozen = !(state.clock && state.clock.frozen);
    drive("/_fake/clock/freeze", { frozen }, () => (frozen ? "Clock frozen" : "Clock follows wall time"));
  });
  $("reset").addEventListener("click", () => {
    if (confirm("Reset the fake to its seed? Every code, lock and event made since is lost.")) {
      drive("/_fake/reset", {}, () => "Back to the seed");
    }
  });
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $("token").value);
    $("token").value = "";
    say("Token kept for this tab");
    restartStream();
    refresh(0);
  });
  $("token-forget").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    say("Token forgotten");
    restartStream();
    refresh(0);
  });
  $("workspace").addEventListener("change", (e) => {
    state.workspace = e.target.value;
    state.offset = 0;
    state.device = null;
    clearTimeline();
    refresh(0);
  });
  let searching = null;
  $("search").addEventListener("input", (e) => {
    clearTimeout(searching);
    searching = setTimeout(() => { state.search = e.target.value.trim(); state.offset = 0; refresh(0); }, 200);
  });
  $("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - state.limit); refresh(0); });
  $("next").addEventListener("click", () => { state.offset += state.limit; refresh(0); });
  $("create-lock-form").addEventListener("submit", (e) => {
    e.preventDefault();
    drive("/_fake/devices/create", {
      workspace_id: state.workspace,
      display_name: $("new-lock-name").value,
      manufacturer: $("new-lock-brand").value,
      max_active_codes_supported: Number($("new-lock-slots").value),
      programming_delay_seconds: Number($("new-lock-delay").value),
    }, (a) => `Lock ${a.device.display_name} created (${a.device.device_id})`);
  });
  $("close-lock").addEventListener("click", () => {
    const was = state.device;
    state.device = null;
    refresh(0);
    const card = document.querySelector(`article[data-device-id="${CSS.escape(was || "")}"] .open`);
    if (card) card.focus();
  });
  $("toggle-online").addEventListener("click", (e) => {
    const online = e.target.dataset.online === "true";
    const device_id = state.device;
    if (online) drive("/_fake/devices/go_offline", { device_id }, () => `${device_id} is offline`);
    else drive("/_fake/devices/go_online", { device_id }, () => `${device_id} is back online`);
  });
  $("fail-next-form").addEventListener("submit", (e) => {
    e.preventDefault();
    drive("/_fake/devices/set_fault_plan", {
      device_id: state.device, fail_next: Number($("fail-next").value), error_code: $("fail-error").value,
    }, (a) => `Fault plan: ${faultPlan(a.fault_plan)}`);
  });
  $("failure-rate-form").addEventListener("submit", (e) => {
    e.preventDefault();
    drive("/_fake/devices/set_fault_plan", {
      device_id: state.device, failure_rate: Number($("failure-rate").value) / 100,
    }, (a) => `Fault plan: ${faultPlan(a.fault_plan)}`);
  });
  $("keypad-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const out = $("keypad-result");
    const code = $("keypad-pin").value;
    try {
      const answer = await call("/_fake/devices/keypad_entry", { device_id: state.device, code });
      out.textContent = answer.opened ? `${code}: the door opened` : `${code}: refused, the door stays locked`;
      out.dataset.opened = String(answer.opened);
    } catch (error) {
      out.textContent = explain(error);
      out.dataset.opened = "error";
    }
    refresh(0);
  });
  $("pool-form").addEventListener("submit", (e) => {
    e.preventDefault();
    drive("/_fake/devices/set_backup_pool", { device_id: state.device, pool_size: Number($("pool-size").value) },
      (a) => `Backup pool of ${a.device_id}: size ${a.pool_size}`);
  });
  let codeSearching = null;
  $("code-search").addEventListener("input", (e) => {
    clearTimeout(codeSearching);
    codeSearching = setTimeout(() => { state.codeSearch = e.target.value.trim(); state.codeOffset = 0; refresh(0); }, 200);
  });
  $("codes-prev").addEventListener("click", () => { state.codeOffset = Math.max(0, state.codeOffset - CODES_PAGE); refresh(0); });
  $("codes-next").addEventListener("click", () => { state.codeOffset += CODES_PAGE; refresh(0); });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && state.device && !e.target.closest("input, select")) $("close-lock").click();
  });
}

takeTokenFromUrl();
wire();
setInterval(() => { if (state.clock && !state.clock.frozen) drawClock(); }, 1000);
refresh(0);
listen();
