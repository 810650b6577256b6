// The live page of `client serve`: polls the JSON API of the mount point (see clientcert/live.py) and
// redraws the journeys, adverse responses, requirements and one page of exchanges. No framework, no build.
"use strict";

const PAGE = 50;              // exchanges per page
const POLL_MS = 1500;         // while the tab is visible
const POLL_HIDDEN_MS = 5000;  // while it is not

const view = {
  mode: "follow",     // "follow": the newest page, new exchanges appear at the top; "paged": a fixed page
  items: [],          // summaries on the page, newest first
  moreBefore: false,
  moreAfter: false,
  total: 0,
  open: new Map(),    // seq -> detail <tr> of the expanded exchanges
  rows: new Map(),    // seq -> <tr> of the rendered exchanges
  finishing: false,
  info: {},
  requirements: [],   // the requirement table last drawn
  lastState: {},      // JSON text of each part last drawn, to skip identical redraws
  lostContact: false, // the "lost contact" banner is up
  failures: 0,        // polls in a row that did not reach the server
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function getJSON(url, options) {
  const response = await fetch(url, Object.assign({ cache: "no-store" }, options || {}));
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = { error: text }; }
  if (!response.ok) throw Object.assign(new Error((body && body.error) || response.statusText), { status: response.status });
  return body;
}

function seqLink(seq) {
  return el("a", { href: "#x-" + seq, class: "seq", dataset: { seq: String(seq) }, onclick: (event) => {
    event.preventDefault();
    showExchange(seq);
  } }, "#" + seq);
}

// POSIX seconds (exchanges) or an ISO 8601 string (info.started) as POSIX seconds
function seconds(value) {
  return typeof value === "number" ? value : Date.parse(value) / 1000;
}

function clock(value) {
  if (value === null || value === undefined || value === "") return "";
  const when = seconds(value);
  return Number.isNaN(when) ? String(value) : new Date(when * 1000).toLocaleTimeString([], { hour12: false });
}

function since(value, now) {
  const minutes = Math.max(0, Math.round((now - seconds(value)) / 60));
  return minutes < 1 ? "just now" : minutes < 120 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
}

function plural(n, word) { return `${n} ${word}${n === 1 ? "" : "s"}`; }

function changed(part, value) {
  const text = JSON.stringify(value);
  if (view.lastState[part] === text) return false;
  view.lastState[part] = text;
  return true;
}

// --- state: header, journeys, adverse responses, requirements -------------------------------------------
function renderState(state) {
  if (state.judged && !document.body.dataset.judgedMs) document.body.dataset.judgedMs = String(Math.round(performance.now()));
  view.info = state.info || {};
  view.total = state.exchanges;
  view.judgedExchanges = state.judged_exchanges;
  const judging = $("judging");
  judging.hidden = state.judged && !state.judging_error;
  judging.textContent = state.judging_error
    ? `Judging failed (${state.judging_error}); showing the judgement of the first ${state.judged_exchanges} exchanges.`
    : `Judging ${plural(state.exchanges, "exchange")}… the checklist and the requirements appear when it is done.`;
  if (changed("header", [state.info, state.exchanges, Math.floor(state.now / 60)])) renderHeader(state);
  if (changed("verdict", [state.judged, state.certified, state.counts, state.exchanges > 0])) renderVerdict(state);
  if (changed("journeys", state.journeys)) renderJourneys(state.journeys);
  if (changed("injections", state.injections)) renderInjections(state.injections);
  if (changed("requirements", state.requirements)) renderRequirements(state.requirements);
  if (changed("notes", state.notes)) {
    $("notes").replaceChildren(...(state.notes || []).map((note) => el("li", {}, note)));
    $("notes").hidden = !(state.notes || []).length;
  }
  if (state.finish_error) banner("Finishing failed: " + state.finish_error + ". See the console of client serve.", "error");
  else if (state.finishing && !view.finishing) startedFinishing();
  $("exchanges-count").textContent = plural(state.exchanges, "exchange");
}

function renderHeader(state) {
  const info = state.info || {};
  const parts = [];
  if (info.plan) parts.push("plan " + info.plan);
  const versions = info.api_versions;
  if (versions && versions.length) parts.push("API " + [].concat(versions).join(", "));
  if (info.base_url) parts.push("point your system at " + info.base_url);
  if (info.claimed_journeys && info.claimed_journeys.length) parts.push("claimed journeys: " + info.claimed_journeys.length);
  if (info.clients && info.clients.length) parts.push("clients: " + info.clients.join(", "));
  if (info.started) parts.push("started " + clock(info.started) + " (" + since(info.started, state.now) + ")");
  if (info.reports) parts.push("reports → " + info.reports);
  $("run-info").textContent = parts.join(" · ") || "client serve";
}

function renderVerdict(state) {
  const failing = (state.counts.requirements || {}).fail || 0;
  const node = $("verdict");
  if (!state.judged) {
    node.dataset.verdict = "";
    node.textContent = "Judging…";
  } else if (failing) {
    node.dataset.verdict = "failing";
    node.textContent = plural(failing, "requirement") + " failing";
  } else if (state.certified) {
    node.dataset.verdict = "certified";
    node.textContent = "Certified so far";
  } else {
    node.dataset.verdict = "on-track";
    node.textContent = state.exchanges ? "No failure so far" : "Waiting for traffic";
  }
}

const JOURNEY_STATES = {
  "demonstrated": ["demonstrated", "✓", "demonstrated"],
  "not demonstrated": ["waiting", "○", "waiting"],
  "not claimed": ["not-claimed", "–", "not claimed"],
};

function renderJourneys(journeys) {
  const list = $("journeys");
  list.replaceChildren(...journeys.map((journey) => {
    const [state, mark, label] = JOURNEY_STATES[journey.status] || ["waiting", "○", journey.status];
    return el("li", { dataset: { journey: journey.id, state } },
      el("span", { class: "mark", "aria-hidden": "true" }, mark),
      el("span", { class: "name" }, journey.title, journey.note ? el("span", { class: "muted note" }, " — " + journey.note) : null),
      journey.seq !== null && journey.seq !== undefined ? seqLink(journey.seq) : null,
      el("span", { class: "badge " + state }, label));
  }));
  const shown = journeys.filter((j) => j.status !== "not claimed");
  const done = shown.filter((j) => j.status === "demonstrated").length;
  $("journeys-count").textContent = shown.length ? `${done} of ${shown.length} demonstrated` : "";
}

const INJECTION_VERDICTS = { pass: ["pass", "passed"], fail: ["fail", "failed"], pending: ["pending", "waiting for the client"] };

function renderInjections(injections) {
  const table = $("injections");
  table.hidden = injections.length === 0;
  $("injections-empty").hidden = injections.length > 0;
  table.tBodies[0].replaceChildren(...injections.map((item) => {
    const [cls, label] = INJECTION_VERDICTS[item.verdict] || ["na", item.verdict || "—"];
    const served = item.kind + (item.retry_after !== null && item.retry_after !== undefined ? ` (Retry-After ${item.retry_after}s)` : "");
    return el("tr", { dataset: { seq: String(item.seq), verdict: item.verdict || "" } },
      el("td", {}, seqLink(item.seq)),
      el("td", {}, served, item.client ? el("div", { class: "muted" }, item.client) : null),
      el("td", {}, item.expected || "", item.requirement ? el("div", { class: "muted id" }, item.requirement) : null),
      el("td", { title: item.message || "" },
        el("span", { class: "badge " + cls }, label),
        item.seq_reaction !== null && item.seq_reaction !== undefined ? [" ", seqLink(item.seq_reaction)] : null,
        item.message ? el("div", { class: "muted" }, item.message) : null));
  }));
  const passed = injections.filter((i) => i.verdict === "pass").length;
  $("injections-count").textContent = injections.length ? `${passed} of ${injections.length} handled` : "";
}

const REQUIREMENT_VERDICTS = {
  "pass": ["pass", "pass"], "fail": ["fail", "fail"],
  "not-demonstrated": ["not-yet", "not yet"], "not-applicable": ["na", "n/a"],
};

function renderRequirements(requirements) {
  view.requirements = requirements;
  const onlyFailing = $("requirements-failing").checked;
  const order = { "fail": 0, "not-demonstrated": 1, "pass": 2, "not-applicable": 3 };  // what needs work first
  const shown = requirements.filter((r) => !onlyFailing || r.verdict === "fail")
    .map((r, i) => [r, i]).sort(([a, i], [b, j]) => ((order[a.verdict] ?? 4) - (order[b.verdict] ?? 4)) || i - j)
    .map(([r]) => r);
  const rows = shown.map((r) => {
    const [cls, label] = REQUIREMENT_VERDICTS[r.verdict] || ["na", r.verdict || "—"];
    return el("tr", { class: r.verdict === "fail" ? "failing" : null, dataset: { requirement: r.id, verdict: r.verdict } },
      el("td", { class: "id" }, r.id),
      el("td", {}, r.title || "",
        r.verdict === "fail" && r.message ? el("div", { class: "muted clamp", title: r.message }, r.message) : null,
        r.seqs && r.seqs.length ? el("div", { class: "muted" }, r.verdict === "fail" ? "seen in " : "shown by ",
          r.seqs.flatMap((seq, i) => (i ? [" ", seqLink(seq)] : [seqLink(seq)])),
          r.evidence > r.seqs.length ? ` and ${r.evidence - r.seqs.length} more` : "") : null),
      el("td", {}, r.level || ""),
      el("td", {}, el("span", { class: "badge " + cls }, label)));
  });
  $("requirements").tBodies[0].replaceChildren(...rows);
  const counts = {};
  for (const r of requirements) counts[r.verdict] = (counts[r.verdict] || 0) + 1;
  $("requirements-count").textContent = !requirements.length ? "" : [
    `${counts.pass || 0} pass`, `${counts.fail || 0} fail`, `${counts["not-demonstrated"] || 0} not yet`,
  ].join(" · ");
}

// --- exchanges: one page of rows, each expandable -------------------------------------------------------
async function loadNewest() {
  const page = await getJSON(`api/exchanges?limit=${PAGE}`);
  view.mode = "follow";
  setPage(page);
}

async function pollNewer() {
  if (!view.items.length) return loadNewest();
  const page = await getJSON(`api/exchanges?after=${view.items[0].seq}&limit=${PAGE}`);
  if (page.more_after) return loadNewest();  // a burst bigger than a page: start again from the newest
  if (!page.items.length) {
    view.total = page.total;
    return renderPageInfo();
  }
  const items = page.items.concat(view.items).slice(0, PAGE);
  setPage({ items, total: page.total, more_before: page.total > items.length, more_after: false }, new Set(page.items.map((i) => i.seq)));
}

async function reloadPage() {
  if (view.mode === "follow" || !view.items.length) return loadNewest();
  setPage(await getJSON(`api/exchanges?before=${view.items[0].seq + 1}&limit=${PAGE}`));
}

async function loadOlder() {
  if (!view.items.length) return;
  const oldest = view.items[view.items.length - 1].seq;
  view.mode = "paged";
  setPage(await getJSON(`api/exchanges?before=${oldest}&limit=${PAGE}`));
}

async function loadNewer() {
  if (!view.items.length) return loadNewest();
  const page = await getJSON(`api/exchanges?after=${view.items[0].seq}&limit=${PAGE}`);
  if (!page.more_after) return loadNewest();  // reached the newest page: follow again
  view.mode = "paged";
  setPage(page);
}

async function showExchange(seq) {
  if (!view.rows.has(seq)) {
    view.mode = "paged";
    const page = await getJSON(`api/exchanges?before=${seq + 1}&limit=${PAGE}`);
    if (!page.items.length || page.items[0].seq !== seq) {
      banner(`No exchange #${seq} has been recorded.`, "error", 4000);
      return;
    }
    if (!page.more_after) view.mode = "follow";
    setPage(page);
  }
  const row = view.rows.get(seq);
  if (!view.open.has(seq)) await toggle(seq);
  row.scrollIntoView({ block: "center" });
  row.classList.remove("highlight");
  void row.offsetWidth;  // restart the animation
  row.classList.add("highlight");
}

function setPage(page, fresh) {
  view.items = page.items;
  view.total = page.total;
  view.moreBefore = page.more_before;
  view.moreAfter = page.more_after;
  const body = $("exchanges").tBodies[0];
  const keep = new Map();
  const nodes = [];
  for (const item of view.items) {
    let row = view.rows.get(item.seq);
    const key = JSON.stringify(item);
    if (!row || row.dataset.key !== key) {
      const replaced = row;
      row = exchangeRow(item);
      row.dataset.key = key;
      if (replaced && view.open.has(item.seq)) row.classList.add("open");
    }
    if (fresh && fresh.has(item.seq) && view.items.length > fresh.size) row.classList.add("highlight");
    keep.set(item.seq, row);
    nodes.push(row);
    const detail = view.open.get(item.seq);
    if (detail) nodes.push(detail);
  }
  for (const seq of [...view.open.keys()]) if (!keep.has(seq)) view.open.delete(seq);
  view.rows = keep;
  body.replaceChildren(...nodes);
  $("exchanges-empty").hidden = view.items.length > 0;
  if (!document.body.dataset.listMs) document.body.dataset.listMs = String(Math.round(performance.now()));
  renderPageInfo();
}

function renderPageInfo() {
  const info = $("page-info");
  if (!view.items.length) {
    info.textContent = "";
  } else {
    const newest = view.items[0].seq, oldest = view.items[view.items.length - 1].seq;
    const behind = view.mode === "paged" && view.total && view.items[0].seq < view.total - 1;
    info.textContent = `#${oldest}–#${newest} of ${view.total}` + (view.mode === "follow" && !view.finishing ? " · live" : "")
      + (behind ? " · newer ones waiting" : "");
  }
  $("page-newest").disabled = view.mode === "follow";
  $("page-newer").disabled = view.mode === "follow";
  $("page-older").disabled = !view.moreBefore;
  $("exchanges-count").textContent = plural(view.total, "exchange");
}

function exchangeRow(item) {
  const statusClass = item.status ? "status-" + String(item.status)[0] : "";
  let judgement;
  if (item.verdict === "fail") {
    judgement = [el("span", { class: "badge fail" }, "fail"), el("span", { class: "failed-ids" }, item.failed.join(", "))];
  } else if (item.verdict === "pass") {
    judgement = el("span", { class: "badge pass" }, "pass");
  } else if (item.verdict === "pending") {
    judgement = el("span", { class: "badge pending", title: "being judged" }, "…");
  } else {
    judgement = el("span", { class: "badge none" }, "—");
  }
  const row = el("tr", { class: "exchange", id: "x-" + item.seq, tabindex: "0", "aria-expanded": "false",
    dataset: { seq: String(item.seq), verdict: item.verdict },
    onclick: () => toggle(item.seq),
    onkeydown: (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(item.seq); } } },
  el("td", { class: "mono" }, "#" + item.seq),
  el("td", {}, clock(item.started)),
  el("td", {}, item.method),
  el("td", { class: "path", title: `${item.client}: ${item.method} ${item.version ? "/api/" + item.version : ""}${item.path}` },
    item.version ? el("span", { class: "version" }, item.version + " ") : null, item.path),
  el("td", { class: statusClass }, item.status === null ? "—" : String(item.status),
    item.injected ? el("span", { class: "badge injected mark", title: "adverse response: " + item.injected }, "!") : null),
  el("td", { title: item.failed.join(", ") }, judgement));
  return row;
}

async function toggle(seq) {
  const row = view.rows.get(seq);
  if (!row) return;
  const open = view.open.get(seq);
  if (open) {
    open.remove();
    view.open.delete(seq);
    row.classList.remove("open");
    row.setAttribute("aria-expanded", "false");
    return;
  }
  const detail = el("tr", { class: "detail", dataset: { seq: String(seq) } }, el("td", { colspan: "6" }, el("span", { class: "muted" }, "loading…")));
  view.open.set(seq, detail);
  row.after(detail);
  row.classList.add("open");
  row.setAttribute("aria-expanded", "true");
  try {
    const exchange = await getJSON(`api/exchanges/${seq}`);
    detail.firstChild.replaceChildren(renderDetail(exchange));
  } catch (error) {
    detail.firstChild.replaceChildren(el("span", { class: "muted" }, "Could not load the exchange: " + error.message));
  }
}

function pretty(body) {
  if (body === null || body === undefined || body === "") return "(no body)";
  try { return JSON.stringify(JSON.parse(body), null, 2); } catch (e) { return body; }
}

function message(title, headers, body, cut) {
  const lines = headers.map(([name, value]) => `${name}: ${value}`).join("\n");
  return el("div", { class: "message" },
    el("h3", {}, title),
    el("pre", { class: "headers" }, lines || "(no headers)"),
    el("pre", { class: "body" }, pretty(body)),
    cut ? el("p", { class: "muted" }, `Cut to the first ${body.length} of ${cut} characters.`) : null);
}

function renderDetail(x) {
  const status = x.status === null ? "no response reached the client" : String(x.status);
  return el("div", { class: "detail" },
    el("div", { class: "url mono" }, `${x.method} ${x.url}`),
    el("p", { class: "muted" }, `sent by ${x.client} at ${clock(x.started)}`),
    x.demonstrates.length ? el("p", {}, el("span", { class: "badge demonstrated" }, "demonstrates"), " ", x.demonstrates.join(", ")) : null,
    x.injection ? el("p", {}, el("span", { class: "badge injected" }, "adverse response"), ` ${x.injection.kind}: a correct client ${x.injection.expected}`) : null,
    x.judgements.length
      ? el("ul", { class: "judgements" }, x.judgements.map((j) => el("li", { dataset: { requirement: j.id } },
        el("span", { class: "badge " + (j.verdict === "fail" ? "fail" : j.verdict === "pass" ? "pass" : "na") }, j.verdict), " ",
        el("code", {}, j.id), " ", j.message || "")))
      : el("p", { class: "muted" }, "No requirement judged this exchange on its own."),
    x.notes.length ? el("p", { class: "muted" }, x.notes.join(" · ")) : null,
    el("div", { class: "detail-grid" },
      message("Request", x.request.headers, x.request.body, x.request.body_cut),
      message(`Response ${status}` + (x.elapsed_ms !== null ? ` · ${Math.round(x.elapsed_ms)} ms` : ""), x.response.headers, x.response.body, x.response.body_cut)));
}

// --- finishing -------------------------------------------------------------------------------------------
function banner(text, kind, hideAfter) {
  const node = $("banner");
  node.textContent = text;
  node.className = kind || "";
  node.hidden = false;
  if (hideAfter) setTimeout(() => { if (node.textContent === text) node.hidden = true; }, hideAfter);
}

function reportPlace() {
  return view.info.reports ? `${view.info.reports}/report.html` : "its --reports folder";
}

function startedFinishing() {
  view.finishing = true;
  $("finish").disabled = true;
  $("finish-confirm").hidden = true;
  document.body.dataset.finishing = "1";
  banner(`Finishing: judging ${plural(view.total, "exchange")} and writing the report to ${reportPlace()}…`);
}

async function finish() {
  $("finish-yes").disabled = true;
  try {
    await getJSON("api/finish", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    startedFinishing();
  } catch (error) {
    if (error.status) banner("Could not finish: " + error.message, "error");
    else startedFinishing();  // the server may already be going away
  } finally {
    $("finish-yes").disabled = false;
  }
}

function serverGone() {
  const dot = $("live-dot");
  dot.className = "live-dot off";
  dot.title = "not connected";
  if (view.finishing) {
    document.body.dataset.finished = "1";
    banner(`client serve has finished and stopped: the verdict table is in its terminal, the report in ${reportPlace()}.`, "done");
    renderPageInfo();
  } else if (view.failures >= 2) {
    view.lostContact = true;
    banner("Lost contact with client serve (stopped, or finished from its console). Retrying…", "error");
  }
}

// --- the loop --------------------------------------------------------------------------------------------
async function tick() {
  try {
    const asked = getJSON("api/state");  // in flight while the list is polled: it may wait for the judges
    asked.catch(() => {});
    if (view.mode === "follow") await pollNewer();
    const state = await asked;
    renderState(state);
    if (view.mode !== "follow") renderPageInfo();
    const judgedNow = view.items.some((item) => item.verdict === "pending" && item.seq < state.judged_exchanges);
    if (judgedNow && state.judged_exchanges > (view.judgedShown || 0)) {
      view.judgedShown = state.judged_exchanges;
      await reloadPage();  // rows listed before their judgement: draw them again with it
    }
    view.failures = 0;
    const dot = $("live-dot");
    dot.className = "live-dot";
    dot.title = "updating";
    if (view.lostContact) {
      view.lostContact = false;
      if (!view.finishing && !state.finish_error) $("banner").hidden = true;
    }
    if (!document.body.dataset.ready) document.body.dataset.readyMs = String(Math.round(performance.now()));
    document.body.dataset.ready = "1";
  } catch (error) {
    view.failures += 1;
    serverGone();
  }
  const delay = document.hidden ? POLL_HIDDEN_MS : POLL_MS;
  setTimeout(tick, view.failures ? Math.min(delay * (1 + view.failures), 15000) : delay);
}

function start() {
  $("finish").addEventListener("click", () => { $("finish-confirm").hidden = false; $("finish").hidden = true; });
  $("finish-no").addEventListener("click", () => { $("finish-confirm").hidden = true; $("finish").hidden = false; });
  $("finish-yes").addEventListener("click", () => { $("finish-confirm").hidden = true; $("finish").hidden = false; finish(); });
  $("page-newest").addEventListener("click", () => loadNewest().catch(() => {}));
  $("page-newer").addEventListener("click", () => loadNewer().catch(() => {}));
  $("page-older").addEventListener("click", () => loadOlder().catch(() => {}));
  $("requirements-failing").addEventListener("change", () => renderRequirements(view.requirements));
  $("jump").addEventListener("submit", (event) => {
    event.preventDefault();
    const seq = parseInt($("jump-seq").value.replace("#", ""), 10);
    if (!Number.isNaN(seq)) showExchange(seq).catch(() => {});
  });
  const hash = /^#x-(\d+)$/.exec(location.hash);
  const first = hash ? showExchange(parseInt(hash[1], 10)) : Promise.resolve();
  first.catch(() => {}).finally(tick);
}

document.addEventListener("DOMContentLoaded", start);
