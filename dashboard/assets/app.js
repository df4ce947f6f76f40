// nativechain dashboard: reads the node's REST queries (/rest/...), CometBFT
// RPC (/rpc/...) and websocket (/rpc/websocket) and the operators' fleets
// (/fleet.json), all proxied unchanged by `nativechaind dashboard`.
"use strict";

const POLL_MS = 3000;
const FLEET_MS = 5000;
const MAX_BATCH_ROWS = 25;
const MAX_BRIDGE_ROWS = 25;
const BACKFILL_TXS = 25;
const HOUR_MS = 3600 * 1000;

const state = {
  config: null,
  denoms: {},          // base denom -> {display, exponent}
  latestHeight: 0,
  latestTime: null,
  blockMs: null,       // average block interval
  headerTimes: new Map(), // height -> Date
  rollups: [],
  seenBatches: new Set(),
  seenBridge: new Set(),
  chart: null,
  chartData: new Map(), // height -> Map(rollup -> {batches, txs})
  reach: new Map(),     // upstream name -> {ok, msg}
};

// Exposed for the browser test and for anyone poking at the page.
window.dashboard = { state, loadedAt: Date.now(), wsConnected: false, wsMessages: 0 };

// ---------- DOM helpers ----------

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("data-")) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) {
    if (c === undefined || c === null) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function td(content, cls) {
  return el("td", { class: cls }, content);
}

function apiURL(path) {
  return state.config ? state.config.api + path : path;
}

function heightLink(h) {
  if (!h || h === "0") return "—";
  return el("a", { href: apiURL(`/cosmos/base/tendermint/v1beta1/blocks/${encodeURIComponent(h)}`), target: "_blank", title: `block ${h} (REST)` }, String(h));
}

function addrLink(a) {
  if (!a) return "—";
  const short = a.length > 20 ? `${a.slice(0, 12)}…${a.slice(-6)}` : a;
  return el("a", { href: apiURL(`/cosmos/bank/v1beta1/balances/${encodeURIComponent(a)}`), target: "_blank", title: a, class: "mono" }, short);
}

function rollupLink(id) {
  return el("a", { href: apiURL(`/nativechain/rollups/v1/rollups/${encodeURIComponent(id)}`), target: "_blank" }, id);
}

function batchLink(id, index) {
  return el("a", { href: apiURL(`/nativechain/rollups/v1/rollups/${encodeURIComponent(id)}/batches/${index}`), target: "_blank" }, `#${index}`);
}

function hexOf(b64) {
  if (!b64) return "";
  try {
    const raw = atob(b64);
    let h = "";
    for (let i = 0; i < raw.length; i++) h += raw.charCodeAt(i).toString(16).padStart(2, "0");
    return h;
  } catch (_) {
    return b64;
  }
}

function shortHex(h) {
  return el("span", { class: "mono", title: h }, h.length > 16 ? `${h.slice(0, 8)}…${h.slice(-6)}` : h || "—");
}

function age(ms) {
  if (ms === null || ms === undefined || isNaN(ms)) return "—";
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  return `${(s / 3600).toFixed(1)}h`;
}

// ---------- amounts ----------

// fmtAmount shows a base-denom amount in its display denom (bank denom
// metadata; unat -> NAT 10^6 when the chain has none), base on hover.
function fmtAmount(amount, denom) {
  const raw = `${amount}${denom}`;
  const meta = state.denoms[denom] || (denom === "unat" ? { display: "NAT", exponent: 6 } : null);
  let text = raw;
  if (meta && meta.exponent > 0 && /^\d+$/.test(String(amount))) {
    const big = BigInt(amount);
    const scale = 10n ** BigInt(meta.exponent);
    const whole = big / scale;
    let frac = (big % scale).toString().padStart(meta.exponent, "0").replace(/0+$/, "");
    text = `${whole.toLocaleString("en-US")}${frac ? "." + frac : ""} ${meta.display}`;
  } else if (meta) {
    text = `${amount} ${meta.display}`;
  }
  return el("span", { class: "amount", title: raw }, text);
}

function fmtCoins(coins) {
  if (!coins || coins.length === 0) return el("span", { class: "amount" }, "0");
  const span = el("span");
  coins.forEach((c, i) => {
    if (i) span.append(", ");
    span.append(fmtAmount(c.amount, c.denom));
  });
  return span;
}

// fmtCoinString reads an event's "1000unat" (or "1000unat,5uatom").
function fmtCoinString(s) {
  if (!s) return "—";
  const coins = String(s).split(",").map((part) => {
    const m = /^(\d+)([a-zA-Z][a-zA-Z0-9/:._-]*)$/.exec(part.trim());
    return m ? { amount: m[1], denom: m[2] } : null;
  });
  if (coins.some((c) => c === null)) return s;
  return fmtCoins(coins);
}

// ---------- upstream reachability ----------

function setReach(name, ok, msg) {
  const prev = state.reach.get(name);
  state.reach.set(name, { ok, msg });
  if (prev && prev.ok === ok && prev.msg === msg) return;
  renderReach();
}

function renderReach() {
  const ul = document.getElementById("reach");
  ul.replaceChildren();
  for (const [name, r] of state.reach) {
    ul.append(el("li", { class: r.ok ? "up" : "down", "data-upstream": name, title: r.msg || "" },
      r.ok ? `${name}: ok` : `cannot reach ${name}`));
  }
}

async function getJSON(upstream, path) {
  let resp;
  try {
    resp = await fetch(path, { cache: "no-store" });
  } catch (e) {
    setReach(upstream, false, `the dashboard process itself: ${e}`);
    throw e;
  }
  let body;
  try {
    body = await resp.json();
  } catch (e) {
    body = null;
  }
  if (resp.status === 502 || resp.status === 504) {
    const msg = body && body.error ? body.error : `HTTP ${resp.status}`;
    setReach(upstream, false, msg);
    throw new Error(msg);
  }
  setReach(upstream, true, "");
  if (!resp.ok) {
    const msg = body && (body.message || body.error) ? body.message || body.error : `HTTP ${resp.status}`;
    const err = new Error(msg);
    err.status = resp.status;
    throw err;
  }
  return body;
}

const rest = (path) => getJSON("REST API", "/rest" + path);
const rpc = (path) => getJSON("node RPC", "/rpc" + path).then((b) => {
  if (b && b.error) throw new Error(b.error.message || JSON.stringify(b.error));
  return b.result;
});

// ---------- chain head and block times ----------

async function headerTime(h) {
  h = Number(h);
  if (!h) return null;
  if (state.headerTimes.has(h)) return state.headerTimes.get(h);
  const r = await rpc(`/header?height=${h}`);
  const t = new Date(r.header.time);
  state.headerTimes.set(h, t);
  if (state.headerTimes.size > 2000) state.headerTimes.delete(state.headerTimes.keys().next().value);
  return t;
}

function setHead(h, time) {
  h = Number(h);
  if (h < state.latestHeight) return;
  state.latestHeight = h;
  state.latestTime = new Date(time);
  state.headerTimes.set(h, state.latestTime);
  const a = document.getElementById("height");
  a.textContent = String(h);
  a.href = apiURL(`/cosmos/base/tendermint/v1beta1/blocks/${h}`);
  a.target = "_blank";
  document.getElementById("block-time").textContent = state.blockMs ? `${(state.blockMs / 1000).toFixed(2)}s` : "…";
}

async function loadStatus() {
  const st = await rpc("/status");
  document.getElementById("chain-id").textContent = st.node_info.network;
  setHead(st.sync_info.latest_block_height, st.sync_info.latest_block_time);
  if (!state.blockMs && state.latestHeight > 2) {
    const back = Math.max(1, state.latestHeight - 500);
    const t0 = await headerTime(back);
    if (t0 && state.latestHeight > back) state.blockMs = (state.latestTime - t0) / (state.latestHeight - back);
  }
}

// hourStartHeight is the first block of the last hour, from the average
// block time (the chart's window).
function hourStartHeight() {
  if (!state.blockMs || state.blockMs <= 0) return Math.max(1, state.latestHeight - 3600);
  return Math.max(1, state.latestHeight - Math.ceil(HOUR_MS / state.blockMs));
}

// ---------- rollups ----------

function statusName(s) {
  return String(s || "").replace("ROLLUP_STATUS_", "").toLowerCase() || "unknown";
}

async function loadRollups() {
  const r = await rest("/nativechain/rollups/v1/rollups?pagination.limit=200");
  const rollups = r.rollups || [];
  const extra = await Promise.all(rollups.map(async (ro) => {
    const depth = Number(ro.inbox_size || 0) - Number(ro.inbox_consumed || 0);
    let oldest = null;
    if (depth > 0) {
      try {
        const ib = await rest(`/nativechain/rollups/v1/rollups/${encodeURIComponent(ro.id)}/inbox?from=${ro.inbox_consumed || 0}&limit=1`);
        oldest = (ib.messages || [])[0] || null;
      } catch (_) { /* shown as unknown */ }
    }
    let latest = null;
    if (Number(ro.next_batch_index || 0) > 1) {
      try {
        latest = (await rest(`/nativechain/rollups/v1/rollups/${encodeURIComponent(ro.id)}/latest_batch`)).batch;
      } catch (_) { /* no batch yet */ }
    }
    let denoms = [];
    try {
      denoms = ((await rest(`/nativechain/crossrollup/v1/escrow/${encodeURIComponent(ro.id)}`)).ledgers || []).map((l) => l.denom);
    } catch (_) { /* none */ }
    let batchTime = null;
    if (latest && latest.height) {
      try { batchTime = await headerTime(latest.height); } catch (_) { /* unknown */ }
    }
    return { depth, oldest, latest, denoms, batchTime };
  }));
  state.rollups = rollups;
  renderRollups(rollups, extra);
  ensureChartRollups(rollups.map((r) => r.id));
}

function renderRollups(rollups, extra) {
  const tbody = document.querySelector("#rollups tbody");
  document.getElementById("rollups-empty").hidden = rollups.length > 0;
  tbody.replaceChildren(...rollups.map((ro, i) => {
    const x = extra[i];
    const st = statusName(ro.status);
    const frozen = st === "frozen";
    const statusCell = el("td", { class: "status" },
      el("span", { class: `badge status-${st === "active" ? "active" : frozen ? "frozen" : "other"}` }, st));
    if (frozen && ro.frozen_height && ro.frozen_height !== "0") statusCell.append(" at ", heightLink(ro.frozen_height));
    const kind = ro.exit_layout && ro.exit_layout.name ? ro.exit_layout.name : "custom circuit";
    const denom = ro.exit_layout && ro.exit_layout.denom ? [ro.exit_layout.denom] : x.denoms;
    const denomCell = el("td", { class: "denom" });
    if (denom.length === 0) denomCell.append("—");
    denom.forEach((d, j) => {
      if (j) denomCell.append(", ");
      const meta = state.denoms[d];
      denomCell.append(el("span", { title: d }, meta ? meta.display : d));
    });
    const ops = el("td", { class: "operators" });
    (ro.operators || []).forEach((o, j) => {
      if (j) ops.append(el("br"));
      ops.append(addrLink(o));
    });
    const last = el("td", { class: "last-batch" });
    if (x.latest) last.append(batchLink(ro.id, x.latest.index), " in ", heightLink(x.latest.height));
    else last.append("none yet");
    const ageMs = x.batchTime && state.latestTime ? Date.now() - x.batchTime : null;
    let deadline = "—";
    if (x.oldest) {
      const d = Number(x.oldest.deadline || 0);
      const left = d - state.latestHeight;
      deadline = el("span", { class: d && left <= 10 ? "overdue" : "" }, heightLink(d),
        !d ? "" : left >= 0 ? ` (in ${left} blocks)` : ` (passed ${-left} blocks ago)`);
    } else if (x.depth > 0) {
      deadline = "unknown";
    }
    return el("tr", { "data-rollup": ro.id, "data-status": st, class: frozen ? "frozen" : "" },
      td(rollupLink(ro.id), "id"),
      statusCell,
      td(kind, "kind"),
      denomCell,
      ops,
      td(fmtAmount(ro.bond ? ro.bond.amount : "0", ro.bond ? ro.bond.denom : ""), "bond num"),
      td(shortHex(hexOf(ro.state_root)), "root"),
      last,
      td(age(ageMs), "age num"),
      td(String(x.depth), "inbox num"),
      td(deadline, "deadline"));
  }));
}

// ---------- batches: table and chart ----------

const batchRows = new Map(); // "rollup/index" -> row, for the gas a later event brings

function addBatchRow(b) {
  const key = `${b.rollup_id}/${b.index}`;
  if (state.seenBatches.has(key)) {
    // A batch first read from its query has no gas; its transaction does.
    const row = batchRows.get(key);
    if (row && b.gas_used && row.children[5].textContent === "—") row.children[5].textContent = Number(b.gas_used).toLocaleString("en-US");
    return;
  }
  state.seenBatches.add(key);
  const tbody = document.querySelector("#batches tbody");
  const row = el("tr", { "data-batch": key, "data-height": String(b.height), class: b.live ? "new" : "" },
    td(heightLink(b.height)),
    td(rollupLink(b.rollup_id)),
    td(batchLink(b.rollup_id, b.index)),
    td(b.l2_tx_count === undefined ? "…" : String(b.l2_tx_count), "num txs"),
    td(b.data_bytes === undefined ? "—" : Number(b.data_bytes).toLocaleString("en-US"), "num"),
    td(b.gas_used ? Number(b.gas_used).toLocaleString("en-US") : "—", "num"),
    td(addrLink(b.submitter)));
  // Newest block first.
  const rows = [...tbody.children];
  const before = rows.find((r) => Number(r.dataset.height) < Number(b.height));
  tbody.insertBefore(row, before || null);
  batchRows.set(key, row);
  while (tbody.children.length > MAX_BATCH_ROWS) {
    batchRows.delete(tbody.lastChild.dataset.batch);
    tbody.lastChild.remove();
  }
  addChartPoint(b.height, b.rollup_id, 1, Number(b.l2_tx_count || 0));
}

// The state keeps a compact record of each batch (roots, DA hash, inbox
// position, height); the rest (L2 transactions, DA bytes, submitter) is in
// the batch's typed event, nativechain.rollups.v1.Batch, in the block that
// carried it. batchRecord reads it from the block's results (one read per
// height, kept).
const blockBatches = new Map(); // height -> Map("rollup/index" -> record)

function batchRecordsOf(events, gasUsed, out) {
  for (const ev of events || []) {
    if (ev.type !== "nativechain.rollups.v1.Batch") continue;
    const a = eventAttrs(ev);
    out.set(`${a.rollup_id}/${a.index}`, { l2_tx_count: String(a.l2_tx_count || "0"), data_bytes: a.data_bytes || "0", submitter: a.submitter, gas_used: gasUsed });
  }
  return out;
}

async function batchRecord(height, rollupId, index) {
  const h = Number(height);
  if (!blockBatches.has(h)) {
    const res = await rpc(`/block_results?height=${h}`);
    const m = new Map();
    for (const tx of res.txs_results || []) {
      if (tx.code && Number(tx.code) !== 0) continue; // a failed transaction verified nothing
      batchRecordsOf(tx.events, tx.gas_used, m);
    }
    blockBatches.set(h, m);
    if (blockBatches.size > 2000) blockBatches.delete(blockBatches.keys().next().value);
  }
  return blockBatches.get(h).get(`${rollupId}/${index}`);
}

// A batch from its transaction's events: EventBatchVerified and the full
// record (rec, the typed Batch event of the same transaction); without the
// record, it is read from the block.
async function batchFromEvent(attrs, rec, height, gasUsed, live) {
  const b = { rollup_id: attrs.rollup_id, index: attrs.index, data_bytes: attrs.data_bytes, submitter: attrs.submitter,
    height: Number(height), gas_used: gasUsed, live };
  try {
    rec = rec || await batchRecord(height, b.rollup_id, b.index);
    if (rec) {
      b.l2_tx_count = rec.l2_tx_count;
      b.data_bytes = b.data_bytes === undefined ? rec.data_bytes : b.data_bytes;
      b.submitter = b.submitter || rec.submitter;
    }
  } catch (_) { /* shown as … */ }
  addBatchRow(b);
}

const palette = ["#0b5cad", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490", "#a16207", "#be185d"];

function initChart() {
  const ctx = document.getElementById("batch-chart");
  if (typeof Chart === "undefined") {
    document.getElementById("chart-note").textContent = "Chart.js did not load.";
    return;
  }
  state.chart = new Chart(ctx, {
    type: "bar",
    data: { datasets: [] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      scales: {
        x: { type: "linear", title: { display: true, text: "block" }, ticks: { precision: 0 } },
        y: { position: "left", beginAtZero: true, title: { display: true, text: "batches" }, ticks: { precision: 0 } },
        y1: { position: "right", beginAtZero: true, title: { display: true, text: "L2 txs" }, grid: { drawOnChartArea: false }, ticks: { precision: 0 } },
      },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
    },
  });
}

function ensureChartRollups(ids) {
  if (!state.chart) return;
  let changed = false;
  ids.forEach((id) => {
    if (state.chart.data.datasets.some((d) => d.rollup === id)) return;
    const color = palette[(state.chart.data.datasets.length / 2) % palette.length];
    state.chart.data.datasets.push(
      { rollup: id, kind: "batches", label: `${id} batches`, data: [], backgroundColor: color, yAxisID: "y", barThickness: 4 },
      { rollup: id, kind: "txs", type: "line", label: `${id} L2 txs`, data: [], borderColor: color, backgroundColor: color, showLine: false, pointRadius: 3, yAxisID: "y1" });
    changed = true;
  });
  if (changed) rebuildChart();
}

function addChartPoint(height, rollup, batches, txs) {
  height = Number(height);
  if (!state.chartData.has(height)) state.chartData.set(height, new Map());
  const m = state.chartData.get(height);
  const cur = m.get(rollup) || { batches: 0, txs: 0 };
  m.set(rollup, { batches: cur.batches + batches, txs: cur.txs + txs });
  ensureChartRollups([rollup]);
  scheduleChart();
}

let chartTimer = null;
function scheduleChart() {
  if (chartTimer) return;
  chartTimer = setTimeout(() => { chartTimer = null; rebuildChart(); }, 250);
}

function rebuildChart() {
  if (!state.chart) return;
  const start = hourStartHeight();
  for (const h of state.chartData.keys()) if (h < start) state.chartData.delete(h);
  const heights = [...state.chartData.keys()].sort((a, b) => a - b);
  for (const ds of state.chart.data.datasets) {
    ds.data = [];
    for (const h of heights) {
      const v = state.chartData.get(h).get(ds.rollup);
      if (v) ds.data.push({ x: h, y: ds.kind === "batches" ? v.batches : v.txs });
    }
  }
  state.chart.options.scales.x.min = start;
  state.chart.options.scales.x.max = Math.max(start + 1, state.latestHeight);
  state.chart.update("none");
}

// backfillChart walks each rollup's batches back to the start of the hour
// (REST batch queries: height, L2 txs, DA bytes).
// It reports whether it read everything; the poll loop retries until so
// (the node may be down when the page opens).
async function backfillChart() {
  const start = hourStartHeight();
  for (const ro of state.rollups) {
    let idx = Number(ro.next_batch_index || 1) - 1;
    for (let n = 0; idx >= 1 && n < 300; idx--, n++) {
      let b;
      try {
        b = (await rest(`/nativechain/rollups/v1/rollups/${encodeURIComponent(ro.id)}/batches/${idx}`)).batch;
      } catch (e) {
        if (e.status === undefined) return false; // unreachable: try again later
        break; // no such batch
      }
      if (Number(b.height) < start) break;
      const key = `${b.rollup_id}/${b.index}`;
      if (state.seenBatches.has(key)) continue;
      // The compact record has no count, size or submitter: take them
      // from the batch's event in its block.
      delete b.l2_tx_count; delete b.data_bytes; delete b.submitter;
      try {
        const rec = await batchRecord(b.height, ro.id, idx);
        if (rec) Object.assign(b, rec);
      } catch (e) {
        return false; // the node's RPC is down: try again later
      }
      if (n < MAX_BATCH_ROWS) {
        addBatchRow({ ...b, live: false });
      } else {
        state.seenBatches.add(key);
        addChartPoint(b.height, b.rollup_id, 1, Number(b.l2_tx_count || 0));
      }
    }
  }
  return true;
}

// ---------- events (websocket and tx_search backfill) ----------

function eventAttrs(ev) {
  const out = {};
  for (const a of ev.attributes || []) {
    let v = a.value;
    try { v = JSON.parse(v); } catch (_) { /* plain */ }
    out[a.key] = v;
  }
  return out;
}

const BRIDGE_EVENTS = {
  "nativechain.crossrollup.v1.EventDeposit": (a) => ({ kind: "deposit", rollup: a.rollup_id, detail: [addrLink(a.sender), ` → L2 ${String(a.l2_recipient || "").slice(0, 12)}…`], amount: a.amount }),
  "nativechain.crossrollup.v1.EventWithdrawal": (a) => ({ kind: "withdrawal", rollup: a.rollup_id, detail: [`batch #${a.batch_index} → `, addrLink(a.recipient)], amount: a.amount }),
  "nativechain.crossrollup.v1.EventWithdrawalReleased": (a) => ({ kind: "withdrawal released", rollup: a.rollup_id, detail: [addrLink(a.recipient)], amount: a.amount }),
  "nativechain.crossrollup.v1.EventWithdrawalDeferred": (a) => ({ kind: "withdrawal deferred", rollup: a.rollup_id, detail: [addrLink(a.recipient), ` (${a.reason})`], amount: a.amount }),
  "nativechain.crossrollup.v1.EventMessageRouted": (a) => ({ kind: "cross-rollup message", rollup: a.source_rollup_id, detail: [`→ ${a.dest_rollup_id} (inbox #${a.dest_inbox_sequence})`], amount: a.amount }),
  "nativechain.crossrollup.v1.EventMessageBounced": (a) => ({ kind: "message bounced", rollup: a.source_rollup_id, detail: [`→ ${a.dest_rollup_id}: ${a.reason}`], amount: a.amount }),
  "nativechain.crossrollup.v1.EventMessageSent": (a) => ({ kind: "L1 → rollup message", rollup: a.rollup_id, detail: [addrLink(a.sender)], amount: a.amount }),
  "nativechain.crossrollup.v1.EventInboxRefunded": (a) => ({ kind: "inbox refund", rollup: a.rollup_id, detail: [`#${a.sequence} ${a.outcome || ""}`], amount: a.amount }),
  "nativechain.crossrollup.v1.EventExodusWithdrawal": (a) => ({ kind: "exodus withdrawal", rollup: a.rollup_id, detail: [addrLink(a.recipient)], amount: a.amount }),
  "nativechain.rollups.v1.EventRollupFrozen": (a) => ({ kind: "rollup frozen", rollup: a.rollup_id, detail: [`inbox #${a.overdue_sequence} missed deadline ${a.deadline}`], amount: a.slashed_bond }),
};

// handleEvents reads one transaction's (or one block's) events. A bundle
// is one bridge event whose detail lists its batches and messages.
function handleEvents(events, height, gasUsed, key, live) {
  const bundle = events.find((e) => e.type === "nativechain.crossrollup.v1.EventBundleApplied");
  const bridge = [];
  const records = batchRecordsOf(events, gasUsed, new Map());
  for (const ev of events) {
    const a = eventAttrs(ev);
    if (ev.type === "nativechain.rollups.v1.EventBatchVerified") {
      batchFromEvent(a, records.get(`${a.rollup_id}/${a.index}`), height, bundle ? undefined : gasUsed, live);
    } else if (BRIDGE_EVENTS[ev.type]) {
      bridge.push(BRIDGE_EVENTS[ev.type](a));
    }
  }
  if (bundle) {
    const a = eventAttrs(bundle);
    const batches = a.batches || [];
    const summary = bridge.map((b) => b.kind);
    addBridgeRow(`${key}/bundle`, height, {
      kind: "bundle", rollup: [...new Set(batches.map((b) => String(b).split("/")[0]))].join(" + "),
      detail: [`${batches.join(", ")}${summary.length ? `: ${summary.join(", ")}` : ""}; gas ${gasUsed || "?"}`], amount: null,
    }, live);
    return;
  }
  bridge.forEach((b, i) => addBridgeRow(`${key}/${i}`, height, b, live));
}

function addBridgeRow(key, height, b, live) {
  if (state.seenBridge.has(key)) return;
  state.seenBridge.add(key);
  const tbody = document.querySelector("#bridge-events tbody");
  const row = el("tr", { "data-event": b.kind, "data-height": String(height), class: live ? "new" : "" },
    td(heightLink(height)), td(b.kind, "kind"), td(b.rollup || "—"),
    el("td", {}, ...(b.detail || [])), td(b.amount ? fmtCoinString(b.amount) : "—", "num"));
  const before = [...tbody.children].find((r) => Number(r.dataset.height) < Number(height));
  tbody.insertBefore(row, before || null);
  while (tbody.children.length > MAX_BRIDGE_ROWS) tbody.lastChild.remove();
}

function handleTxResult(tr, live) {
  const res = tr.result || tr.tx_result || {};
  if (res.code && Number(res.code) !== 0) return;
  handleEvents(res.events || [], tr.height, res.gas_used, `tx/${tr.height}/${tr.index || 0}`, live);
}

// backfillEvents reads the last transactions that carry batches (and so
// their withdrawals, routed messages and bundles), deposits and L1 messages
// from the node's tx index; the websocket brings the ones after.
const BACKFILL_QUERIES = [
  "nativechain.rollups.v1.EventBatchVerified.rollup_id EXISTS",
  "nativechain.crossrollup.v1.EventDeposit.rollup_id EXISTS",
  "nativechain.crossrollup.v1.EventMessageSent.rollup_id EXISTS",
];

async function backfillEvents() {
  const note = document.getElementById("bridge-note");
  try {
    const pages = await Promise.all(BACKFILL_QUERIES.map((q) =>
      rpc(`/tx_search?query=${encodeURIComponent(`"${q}"`)}&order_by=%22desc%22&per_page=${BACKFILL_TXS}`)));
    const byHash = new Map();
    for (const p of pages) for (const tx of p.txs || []) byHash.set(tx.hash, tx);
    const txs = [...byHash.values()].sort((a, b) => Number(a.height) - Number(b.height) || Number(a.index) - Number(b.index));
    for (const tx of txs) handleTxResult({ height: tx.height, index: tx.index, result: tx.tx_result }, false);
    note.hidden = true;
    return true;
  } catch (e) {
    note.textContent = `Events before this page opened are not shown yet: ${e.message}`;
    note.hidden = false;
    return false;
  }
}

// ---------- websocket ----------

let wsBackoff = 1000;
let opens = 0;

function setWs(ok, text) {
  window.dashboard.wsConnected = ok;
  const s = document.getElementById("ws-state");
  s.className = ok ? "up" : "down";
  s.textContent = text;
}

function connectWs() {
  const proto = location.protocol === "https:" ? "wss" : "ws";
  let ws;
  try {
    ws = new WebSocket(`${proto}://${location.host}/rpc/websocket`);
  } catch (e) {
    scheduleReconnect(`${e}`);
    return;
  }
  let opened = false;
  ws.onopen = () => {
    opened = true;
    wsBackoff = 1000;
    setWs(true, "websocket: live");
    ws.send(JSON.stringify({ jsonrpc: "2.0", method: "subscribe", id: 1, params: { query: "tm.event='NewBlock'" } }));
    ws.send(JSON.stringify({ jsonrpc: "2.0", method: "subscribe", id: 2, params: { query: "tm.event='Tx'" } }));
    // Events missed while disconnected come from tx_search; rows already
    // shown are not repeated. (The first history is read by the poll loop.)
    if (opens++ > 0) backfillEvents();
  };
  ws.onmessage = (m) => {
    window.dashboard.wsMessages++;
    let msg;
    try { msg = JSON.parse(m.data); } catch (_) { return; }
    const data = msg.result && msg.result.data;
    if (!data) return;
    if (data.type === "tendermint/event/NewBlock") {
      const blk = data.value.block;
      setHead(blk.header.height, blk.header.time);
      const fin = data.value.result_finalize_block;
      if (fin && fin.events) handleEvents(fin.events, blk.header.height, null, `block/${blk.header.height}`, true);
      scheduleChart();
    } else if (data.type === "tendermint/event/Tx") {
      handleTxResult(data.value.TxResult, true);
    }
  };
  ws.onclose = () => scheduleReconnect(opened ? "closed" : "cannot connect");
  ws.onerror = () => { /* onclose follows */ };
}

function scheduleReconnect(why) {
  const wait = wsBackoff;
  wsBackoff = Math.min(wsBackoff * 2, 30000);
  setWs(false, `websocket ${why}: retrying in ${Math.round(wait / 1000)}s`);
  setTimeout(connectWs, wait);
}

// ---------- bridge, rewards, fleet ----------

async function loadBridge() {
  const inv = await rest("/nativechain/crossrollup/v1/invariant");
  const badge = document.getElementById("invariant");
  badge.className = `badge ${inv.holds ? "ok" : "bad"}`;
  badge.dataset.holds = String(!!inv.holds);
  badge.textContent = inv.holds ? "invariant holds: escrow = sum of ledgers + pending + accrued" : "INVARIANT BROKEN: escrow ≠ sum of ledgers + pending + accrued";
  const denoms = new Set([...(inv.escrow_balance || []), ...(inv.ledgers_total || []), ...(inv.pending_total || []), ...(inv.accrued_total || [])].map((c) => c.denom));
  const amt = (list, d) => ((list || []).find((c) => c.denom === d) || { amount: "0" }).amount;
  const tbody = document.querySelector("#escrow tbody");
  tbody.replaceChildren(...[...denoms].sort().map((d) => el("tr", { "data-denom": d },
    td(el("span", { title: d }, state.denoms[d] ? state.denoms[d].display : d)),
    td(fmtAmount(amt(inv.escrow_balance, d), d), "num"),
    td(fmtAmount(amt(inv.ledgers_total, d), d), "num"),
    td(fmtAmount(amt(inv.pending_total, d), d), "num"),
    td(fmtAmount(amt(inv.accrued_total, d), d), "num"))));
  if (denoms.size === 0) tbody.append(el("tr", {}, el("td", { colSpan: 5, class: "empty" }, "Nothing escrowed.")));
}

async function loadRewards() {
  const [pool, epoch, payouts] = await Promise.all([
    rest("/nativechain/rewards/v1/pool"),
    rest("/nativechain/rewards/v1/epoch?pagination.limit=1"),
    rest("/nativechain/rewards/v1/payouts?pagination.limit=5&pagination.reverse=true"),
  ]);
  document.getElementById("pool-balance").replaceChildren(fmtCoins(pool.balance));
  const e = epoch.epoch || {};
  document.getElementById("pool-epoch").replaceChildren(`#${e.number || 0} since block `, heightLink(e.start_height),
    epoch.end_height && epoch.end_height !== "0" ? ` (ends at ${epoch.end_height})` : "");
  document.querySelector("#inflows tbody").replaceChildren(...(pool.inflows || []).map((s) =>
    el("tr", { "data-source": s.source }, td(s.source), td(fmtCoins(s.amount), "num"))));
  const rows = (payouts.payouts || []).slice().sort((a, b) => Number(b.epoch) - Number(a.epoch));
  document.querySelector("#payouts tbody").replaceChildren(...rows.map((p) => el("tr", {},
    td(`#${p.epoch}`), td(heightLink(p.closed_height)), td(fmtCoins(p.validator_amount), "num"),
    td(fmtCoins(p.operator_pot), "num"), td(fmtCoins(p.operator_credited), "num"))));
  if (rows.length === 0) {
    document.querySelector("#payouts tbody").append(el("tr", {}, el("td", { colSpan: 5, class: "empty" }, "No epoch paid yet.")));
  }
}

function rate(v, unit) {
  return v === undefined || v === null ? "—" : `${Number(v).toFixed(2)} ${unit}`;
}

async function loadFleet() {
  const resp = await fetch("/fleet.json", { cache: "no-store" });
  const ops = await resp.json();
  const box = document.getElementById("fleet");
  document.getElementById("fleet-empty").hidden = ops.length > 0;
  box.replaceChildren(...ops.map((o) => {
    const name = `operator ${o.rollup_id ? o.rollup_id + " " : ""}(${o.url})`;
    setReach(`operator ${o.index}`, o.reachable, o.error || o.url);
    const div = el("div", { class: "operator", "data-operator": String(o.index), "data-reachable": String(o.reachable) },
      el("h3", {}, name));
    if (!o.reachable) {
      div.append(el("p", { class: "down-msg" }, o.error || "cannot reach"));
      return div;
    }
    div.append(el("div", { class: "kv" },
      el("span", {}, "role ", el("b", {}, o.role || "—")),
      el("span", {}, "prover ", el("b", {}, o.prover || "—")),
      el("span", {}, "queue depth ", el("b", { class: "queue" }, o.fleet ? String(o.queue_depth) : "— (inline)")),
      el("span", {}, "workers ", el("b", {}, o.fleet ? String(o.workers) : "1 (inline)")),
      el("span", {}, "jobs in flight ", el("b", {}, String(o.jobs_in_flight))),
      el("span", {}, "proving ", el("b", {}, rate(o.txs_proven_per_sec, "txs/s"))),
      el("span", {}, "proven ", el("b", {}, rate(o.batches_proven_per_min, "batches/min"))),
      el("span", {}, "verified ", el("b", {}, rate(o.batches_verified_per_min, "batches/min"))),
      el("span", {}, "inbox pending ", el("b", {}, String(o.inbox_pending))),
      el("span", {}, "lag ", el("b", {}, `${o.lag_blocks} blocks`)),
      o.halted ? el("span", { class: "overdue" }, `halted: ${o.halted}`) : null));
    if (o.worker_list.length) {
      div.append(el("table", {}, el("thead", {}, el("tr", {}, ...["worker", "proofs", "proofs/min", "mean s/proof", "busy"].map((h) => el("th", {}, h)))),
        el("tbody", {}, ...o.worker_list.map((w) => el("tr", {},
          td(w.name), td(String(w.proofs), "num"), td(rate(w.proofs_per_min, ""), "num"),
          td(w.mean_seconds.toFixed(2), "num"), td(w.busy ? "yes" : "idle"))))));
    }
    return div;
  }));
}

// ---------- start ----------

async function loadDenoms() {
  try {
    const r = await rest("/cosmos/bank/v1beta1/denoms_metadata?pagination.limit=200");
    for (const m of r.metadatas || []) {
      const unit = (m.denom_units || []).find((u) => u.denom === m.display);
      if (unit) state.denoms[m.base] = { display: m.symbol || m.display, exponent: Number(unit.exponent || 0) };
    }
  } catch (_) { /* unat -> NAT fallback */ }
}

function every(ms, fn) {
  const run = async () => {
    try { await fn(); } catch (e) { console.warn(fn.name, e); }
    setTimeout(run, ms);
  };
  return run();
}

async function main() {
  state.config = await (await fetch("/config.json", { cache: "no-store" })).json();
  initChart();
  await loadDenoms();
  try { await loadStatus(); } catch (e) { console.warn(e); }
  connectWs();
  every(POLL_MS, loadStatus);
  every(POLL_MS, async function loadRollupsAndHistory() {
    await loadRollups();
    if (!state.chartBackfilled) state.chartBackfilled = await backfillChart();
    if (!state.eventsBackfilled) state.eventsBackfilled = await backfillEvents();
  });
  every(POLL_MS, loadBridge);
  every(POLL_MS * 2, loadRewards);
  if (state.config.operators.length) every(FLEET_MS, loadFleet);
  else document.getElementById("fleet-empty").hidden = false;
  window.dashboard.ready = true;
}

main();
