// The admin page (/admin): users, failed files with a retry, dead letters with a replay, a rescan, and the ops view
// drawn with Chart.js (vendored from npm) from /api/admin/ops, polled while the page is open.
import { $, api, count, el, load, say, state } from "/static/core.js";

const POLL_SECONDS = 5;
const RATE_POINTS = 60;  // five minutes of live rate
const ops = { charts: {}, timer: null, last: null, rates: new Map(), times: [] };

export async function openAdmin() {
  try {
    const [users, failed, dead] = await Promise.all([api("/api/admin/users"), api("/api/admin/failed"), api("/api/admin/dead-letters")]);
    $("#users tbody").replaceChildren(...users.items.map((u) => el("tr", {}, el("td", { text: u.name }), el("td", { text: u.roots.join(", ") }), el("td", { text: u.admin ? "yes" : "" }))));
    $("#failed").replaceChildren(...failed.files.map((f) => el("li", { "data-path": f.path }, `${f.path}: ${f.reason} `,
      el("button", { type: "button", class: "retry", text: "Retry", onclick: () => retry([f.path]) }))),
    ...failed.photos.map((p) => el("li", { text: `${p.path}: ${p.stage} failed: ${p.reason}` })));
    if (!failed.files.length && !failed.photos.length) $("#failed").append(el("li", { class: "none", text: "none" }));
    $("#retry-all").hidden = failed.files.length < 2;
    $("#retry-all").onclick = () => retry(failed.files.map((f) => f.path));
    const stages = [...new Set(dead.items.map((d) => d.stage))];
    $("#dead").replaceChildren(...dead.items.map((d) => el("li", { text: `${d.stage}: ${d.path || d.id}: ${d.reason}` })),
      ...stages.map((stage) => el("li", {}, el("button", { type: "button", text: `Replay ${stage}'s dead letters`, onclick: () => replay(stage) }))));
    if (!dead.items.length) $("#dead").append(el("li", { class: "none", text: "none" }));
  } catch (error) { say(error.message, true); }
  await showOps();
}

async function retry(paths) {
  try {
    const { items } = await api("/api/admin/retry", { method: "POST", body: { paths } });
    const mended = items.filter((i) => i.outcome !== "failed").length;
    say(`${count(mended, "file")} of ${items.length} read now` + (mended < items.length ? `; still failing: ${items.find((i) => i.outcome === "failed").reason}` : ""), mended < items.length);
    await openAdmin();
  } catch (error) { say(error.message, true); }
}

async function replay(stage) {
  try {
    const { replayed } = await api(`/api/admin/dead-letters/${encodeURIComponent(stage)}/replay`, { method: "POST" });
    say(`${count(replayed, "dead letter")} of ${stage} sent again`);
    await openAdmin();
  } catch (error) { say(error.message, true); }
}

$("#add-user").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    await api("/api/admin/users", { method: "POST", body: { name: form.get("name"), password: form.get("password"), roots: [form.get("roots")], admin: form.get("admin") === "on" } });
    event.target.reset(); openAdmin();
  } catch (error) { say(error.message, true); }
});

$("#rescan").addEventListener("click", () => api("/api/admin/rescan", { method: "POST" }).then(() => say("rescan started"), (e) => say(e.message, true)));

// -- the ops view ---------------------------------------------------------------------------------------------------

function colours() {  // the theme's, read from its CSS variables
  const style = getComputedStyle(document.documentElement);
  const take = (name) => style.getPropertyValue(name).trim();
  return { fg: take("--fg"), muted: take("--muted"), line: take("--line"), bars: take("--selected"), error: take("--error"),
    series: [take("--selected"), "#e8a33d", "#5fb36b", "#c06bd6", "#e0605a", "#4bb5b5"] };
}

function chart(id, type, options = {}) {  // made once, its data replaced on every poll
  if (ops.charts[id]) return ops.charts[id];
  const c = colours();
  window.Chart.defaults.color = c.muted;
  window.Chart.defaults.borderColor = c.line;
  ops.charts[id] = new window.Chart($(`#${id}`), { type, data: { labels: [], datasets: [] },
    options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { display: type === "line" && id === "chart-rate" } }, ...options } });
  return ops.charts[id];
}

function bars(id, items, colour, horizontal = true) {
  const c = chart(id, "bar", { indexAxis: horizontal ? "y" : "x", scales: { [horizontal ? "x" : "y"]: { beginAtZero: true, ticks: { precision: 0 } } } });
  c.data.labels = items.map((i) => wrapped(i.label));
  c.data.datasets = [{ data: items.map((i) => i.count), backgroundColor: colour }];
  c.update();
  $(`#${id}`).dataset.values = JSON.stringify(items.map((i) => [i.label, i.count]));
}

function wrapped(text, width = 22) {  // a long label as lines, so a narrow chart does not cut it off
  const lines = [];
  for (const word of text.split(" ")) {
    if (lines.length && (lines[lines.length - 1] + " " + word).length <= width) lines[lines.length - 1] += " " + word;
    else lines.push(word);
  }
  return lines.length > 1 ? lines : text;
}

function when(at, bucket) {
  const date = new Date(at * 1000);
  return bucket === "hour" ? date.toLocaleString("en", { month: "short", day: "numeric", hour: "2-digit" }) : date.toLocaleDateString("en", { year: "numeric", month: "short", day: "numeric" });
}

async function showOps() {
  clearTimeout(ops.timer);
  if (state.view !== "admin") return;
  try {
    if (!window.Chart) await load("script", { src: "/static/chart.umd.js" });
    const view = await api("/api/admin/ops");
    if (state.view !== "admin") return;
    drawOps(view);
  } catch (error) { say(error.message, true); }
  ops.timer = setTimeout(showOps, POLL_SECONDS * 1000);
}

function drawOps(view) {
  const c = colours();
  let total = 0;
  const indexed = chart("chart-indexed", "line", { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } });
  indexed.data.labels = view.indexed.points.map((p) => when(p.at, view.indexed.bucket));
  indexed.data.datasets = [{ label: "photos", data: view.indexed.points.map((p) => (total += p.count)), borderColor: c.bars, backgroundColor: c.bars, fill: false, tension: 0.2 }];
  indexed.update();
  $("#chart-indexed").dataset.total = String(total);

  const now = Date.now() / 1000, stages = Object.entries(view.stages).filter(([, s]) => s.done !== undefined);
  if (ops.last) {  // photos done per second since the last poll, per stage
    const seconds = now - ops.last.at;
    stages.forEach(([stage, s]) => {
      const series = ops.rates.get(stage) || [];
      series.push(Math.max(0, (s.done - (ops.last.done[stage] ?? s.done)) / seconds));
      ops.rates.set(stage, series.slice(-RATE_POINTS));
    });
    ops.times = [...ops.times, new Date(now * 1000).toLocaleTimeString("en", { hour12: false })].slice(-RATE_POINTS);
  }
  ops.last = { at: now, done: Object.fromEntries(stages.map(([stage, s]) => [stage, s.done])) };
  const rate = chart("chart-rate", "line", { scales: { y: { beginAtZero: true } } });
  rate.data.labels = ops.times;
  rate.data.datasets = [...ops.rates.entries()].map(([stage, series], i) => ({ label: stage, data: series, borderColor: c.series[i % c.series.length], backgroundColor: c.series[i % c.series.length], pointRadius: 0 }));
  rate.update();

  bars("chart-queues", Object.entries(view.stages).map(([stage, s]) => ({ label: stage, count: (s.waiting || 0) + (s.queued || 0) })), c.bars, false);
  bars("chart-failures", view.failures.map((f) => ({ label: `${f.stage}: ${f.reason}`.slice(0, 66), count: f.count })), c.error);
  for (const key of ["camera", "country", "year"]) {
    const values = view.facets[key].map((f) => ({ label: f.value, count: f.count }));
    bars(`chart-${key}`, key === "year" ? values.sort((a, b) => a.label.localeCompare(b.label)) : values, c.bars, key !== "year");
  }
}
