// The `serve` page. UNSPUN_VERDICTS ([lowest score, verdict], best first) and UNSPUN_CATEGORIES
// ([category, label] in the library's order) and UNSPUN_LANGUAGES (tag: name) are prepended by the server from the library, so the page never
// disagrees with the CLI. Document text is only ever inserted with textContent.

/** Map every UTF-8 byte offset of `text` to the UTF-16 index of the char it falls in. */
function byteMap(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i);
    if (cp > 0xffff) { n += 4; i++; } else n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
  }
  const map = new Uint32Array(n + 1);
  let b = 0;
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i);
    const units = cp > 0xffff ? 2 : 1;
    const bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let k = 0; k < bytes; k++) map[b + k] = i;
    b += bytes;
    i += units;
  }
  map[b] = text.length;
  return map;
}

/** Clamp a byte offset into the map and convert it to a UTF-16 index. */
function toIndex(map, byte) {
  return map[Math.max(0, Math.min(byte | 0, map.length - 1))];
}

/**
 * The text with every suggestion applied, right to left, skipping findings that overlap one
 * already applied (and findings without a suggestion). Offsets are UTF-8 byte offsets.
 */
function restore(text, findings) {
  const map = byteMap(text);
  const fs = findings
    .filter((f) => typeof f.suggestion === "string" && f.end > f.start)
    .sort((a, b) => b.start - a.start || b.end - a.end);
  const chosen = [];
  let limit = Infinity;
  for (const f of fs) {
    if (f.end > limit) continue;
    chosen.push(f);
    limit = f.start;
  }
  chosen.reverse();
  const parts = [];
  let at = 0;
  for (const f of chosen) {
    parts.push(text.slice(at, toIndex(map, f.start)), f.suggestion);
    at = toIndex(map, f.end);
  }
  parts.push(text.slice(at));
  return { text: parts.join(""), applied: chosen.length };
}

function verdictOf(score) {
  for (let i = 0; i < UNSPUN_VERDICTS.length; i++) {
    if (score >= UNSPUN_VERDICTS[i][0]) return { level: Math.min(i, 3), text: UNSPUN_VERDICTS[i][1] };
  }
  const last = UNSPUN_VERDICTS.length - 1;
  return { level: Math.min(last, 3), text: UNSPUN_VERDICTS[last][1] };
}

function tipOf(f) {
  let t = "";
  if (f.suggestion === "") t += "→ remove\n";
  else if (typeof f.suggestion === "string") t += "→ " + f.suggestion + "\n";
  return t + f.message + "\n" + f.rule + " · " + f.severity;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Highlight findings in `text` inside `box`: segments cut at every finding boundary. */
function renderText(box, text, findings) {
  const map = byteMap(text);
  const spans = findings.map((f) => {
    const s = toIndex(map, f.start);
    return [s, Math.max(s, toIndex(map, f.end))];
  });
  const cuts = new Set([0, text.length]);
  spans.forEach(([s, e]) => { if (s < e) { cuts.add(s); cuts.add(e); } });
  const points = [...cuts].sort((a, b) => a - b);
  const order = spans.map((_, i) => i).filter((i) => spans[i][0] < spans[i][1])
    .sort((a, b) => spans[a][0] - spans[b][0] || spans[b][1] - spans[a][1]);
  const frag = document.createDocumentFragment();
  let next = 0;
  let active = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k], b = points[k + 1];
    active = active.filter((i) => spans[i][1] > a);
    while (next < order.length && spans[order[next]][0] <= a) {
      if (spans[order[next]][1] > a) active.push(order[next]);
      next++;
    }
    const chunk = text.slice(a, b);
    if (!active.length) { frag.appendChild(document.createTextNode(chunk)); continue; }
    active.sort((x, y) => x - y);
    let narrow = active[0];
    for (const i of active) {
      if (spans[i][1] - spans[i][0] < spans[narrow][1] - spans[narrow][0]) narrow = i;
    }
    const m = el("mark", "u-m u-" + findings[narrow].category + (active.length > 1 ? " u-multi" : ""), chunk);
    m.dataset.f = active.join(" ");
    m.dataset.tip = active.map((i) => tipOf(findings[i])).join("\n\n");
    m.setAttribute("aria-describedby", active.map((i) => "u-f" + i).join(" "));
    const first = active.find((i) => spans[i][0] === a);
    if (first !== undefined) { m.id = "u-m" + first; m.tabIndex = 0; }
    frag.appendChild(m);
  }
  box.replaceChildren(frag);
}

function marksOf(i) {
  return [...document.querySelectorAll("#u-text mark")].filter((m) => m.dataset.f.split(" ").includes(String(i)));
}

function light(ids, on) {
  document.querySelectorAll(".u-on").forEach((e) => e.classList.remove("u-on"));
  if (!on) return;
  for (const i of ids) {
    marksOf(i).forEach((m) => m.classList.add("u-on"));
    const li = document.getElementById("u-f" + i);
    if (li) li.classList.add("u-on");
  }
}

function renderList(list, findings) {
  const frag = document.createDocumentFragment();
  findings.forEach((f, i) => {
    const li = el("li", "u-item u-" + f.category);
    li.id = "u-f" + i;
    const b = el("button", "u-jump");
    b.type = "button";
    b.append(el("span", "u-chip", f.category), el("span", "u-orig", f.text));
    if (typeof f.suggestion === "string") {
      b.append(" → ", el("span", "u-sugg", f.suggestion === "" ? "(remove)" : f.suggestion));
    }
    b.append(el("div", "u-msg", f.message));
    b.append(el("div", "u-where", "line " + f.line + ":" + f.column + " · " + f.rule + " · " + f.severity +
      " · confidence " + Number(f.confidence).toFixed(2) + (f.language ? " · " + f.language : "")));
    b.addEventListener("click", () => {
      const m = document.getElementById("u-m" + i);
      if (m) { m.scrollIntoView({ block: "center", behavior: "smooth" }); m.focus({ preventScroll: true }); }
    });
    li.addEventListener("mouseenter", () => light([i], true));
    li.addEventListener("mouseleave", () => light([], false));
    li.appendChild(b);
    frag.appendChild(li);
  });
  list.replaceChildren(frag);
}

const state = { text: "", report: null };

function show(report, text) {
  state.text = text;
  state.report = report;
  const v = verdictOf(report.score);
  const score = Math.max(0, Math.min(100, Number(report.score) || 0));
  const summary = document.getElementById("u-summary");
  summary.className = "u-summary u-v" + v.level;
  document.getElementById("u-gauge").setAttribute("aria-label", "score " + score.toFixed(1) + " out of 100");
  document.getElementById("u-arc").setAttribute("stroke-dasharray", score.toFixed(1) + " 100");
  document.getElementById("u-score").textContent = score.toFixed(1);
  // Not English: not scored as spun English; a machine translation: from which language.
  const langName = (t) => UNSPUN_LANGUAGES[t] || t;
  let verdict = v.text;
  if (report.verdict === "not English" && report.language) {
    verdict = "not English (" + langName(report.language.main) + ")";
  }
  if (report.translated_from) {
    verdict += " · reads like a machine translation from " + langName(report.translated_from.language);
  }
  document.getElementById("u-verdict").textContent = verdict;
  const n = report.findings.length;
  document.getElementById("u-meta").textContent =
    "score " + score.toFixed(1) + "/100 · " + n + " finding" + (n === 1 ? "" : "s") + " in " + report.words + " words";
  const counts = document.getElementById("u-counts");
  counts.replaceChildren(...UNSPUN_CATEGORIES.map(([c, label]) => {
    const k = report.findings.filter((f) => f.category === c).length;
    const li = el("li", "u-" + c + (k ? "" : " u-zero"), label + " ");
    li.dataset.category = c;
    li.appendChild(el("b", "", String(k)));
    return li;
  }));
  renderText(document.getElementById("u-text"), text, report.findings);
  renderList(document.getElementById("u-list"), report.findings);
  document.getElementById("u-none").hidden = n > 0;
  document.getElementById("u-copy").disabled = !report.findings.some((f) => typeof f.suggestion === "string");
  document.getElementById("u-copied").textContent = "";
  document.getElementById("u-result").hidden = false;
}

function status(msg, error) {
  const s = document.getElementById("u-status");
  s.textContent = msg;
  s.classList.toggle("u-error", !!error);
}

let busy = false;
async function check() {
  if (busy) return;
  const text = document.getElementById("u-input").value;
  const format = document.getElementById("u-format").value;
  if (!text.trim()) { status("Paste some text first.", true); return; }
  busy = true;
  const button = document.getElementById("u-check");
  button.disabled = true;
  status("Checking…");
  const t0 = performance.now();
  try {
    const res = await fetch("/api/check", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text, format }),
    });
    const body = await res.json().catch(() => ({ error: res.status + " " + res.statusText }));
    if (!res.ok) throw new Error(body.error || res.status + " " + res.statusText);
    show(body, text);
    status("Checked " + body.words + " words in " + Math.round(performance.now() - t0) + " ms.");
  } catch (e) {
    status("Could not check: " + e.message, true);
  } finally {
    busy = false;
    button.disabled = false;
  }
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (_) {
    const ta = el("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.position = "fixed";
    ta.style.opacity = "0";
    document.body.appendChild(ta);
    ta.select();
    let ok = false;
    try { ok = document.execCommand("copy"); } catch (_) { ok = false; }
    ta.remove();
    return ok;
  }
}

function formatFor(name) {
  const ext = (name.split(".").pop() || "").toLowerCase();
  if (ext === "md" || ext === "markdown") return "markdown";
  if (ext === "html" || ext === "htm") return "html";
  return "text";
}

async function load(file) {
  if (!file) return;
  if (file.size > 50 * 1024 * 1024) { status(file.name + " is too large.", true); return; }
  const text = await file.text();
  document.getElementById("u-input").value = text;
  document.getElementById("u-format").value = formatFor(file.name);
  status("Loaded " + file.name + ". Press Check.");
}

function init() {
  const form = document.getElementById("u-form");
  const input = document.getElementById("u-input");
  form.addEventListener("submit", (e) => { e.preventDefault(); check(); });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); check(); }
  });
  document.getElementById("u-copy").addEventListener("click", async () => {
    if (!state.report) return;
    const r = restore(state.text, state.report.findings);
    const ok = await copyText(r.text);
    document.getElementById("u-copied").textContent = ok
      ? "Copied, " + r.applied + " suggestion" + (r.applied === 1 ? "" : "s") + " applied."
      : "Could not copy to the clipboard.";
  });
  const file = document.getElementById("u-file");
  document.getElementById("u-open").addEventListener("click", () => file.click());
  file.addEventListener("change", () => { load(file.files[0]); file.value = ""; });
  form.addEventListener("dragover", (e) => { e.preventDefault(); form.classList.add("u-drop"); });
  form.addEventListener("dragleave", () => form.classList.remove("u-drop"));
  form.addEventListener("drop", (e) => {
    e.preventDefault();
    form.classList.remove("u-drop");
    if (e.dataTransfer && e.dataTransfer.files.length) load(e.dataTransfer.files[0]);
  });
  const text = document.getElementById("u-text");
  const hover = (e) => {
    const m = e.target.closest && e.target.closest("mark");
    light(m ? m.dataset.f.split(" ") : [], !!m);
  };
  text.addEventListener("mouseover", hover);
  text.addEventListener("focusin", (e) => {
    hover(e);
    // Keyboard users see the matching side-list item too.
    const m = e.target.closest && e.target.closest("mark");
    const li = m && document.getElementById("u-f" + m.dataset.f.split(" ")[0]);
    if (li) li.scrollIntoView({ block: "nearest" });
  });
  text.addEventListener("mouseleave", () => light([], false));
  text.addEventListener("click", (e) => {
    const m = e.target.closest && e.target.closest("mark");
    if (!m) return;
    const li = document.getElementById("u-f" + m.dataset.f.split(" ")[0]);
    if (li) li.scrollIntoView({ block: "nearest", behavior: "smooth" });
  });
  input.focus();
}

window.unspun = { byteMap, restore, verdictOf, state };
document.addEventListener("DOMContentLoaded", init);
