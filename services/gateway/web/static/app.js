// picsift web gallery: no build step; every text from photos is set with textContent, never as HTML.
const $ = (selector) => document.querySelector(selector);
const state = { csrf: "", user: null, cursor: null, query: "", loading: false, done: false, share: null };

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  children.forEach((child) => node.append(child));
  return node;
}

async function api(path, options = {}) {
  const headers = { ...(options.headers || {}) };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (options.method && options.method !== "GET") headers["X-CSRF-Token"] = state.csrf;
  const response = await fetch(path, { ...options, headers, credentials: "same-origin",
    body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const data = response.headers.get("Content-Type")?.includes("json") ? await response.json() : null;
  if (response.status === 401 && !path.startsWith("/api/auth/login")) { showLogin(); throw new Error("sign in first"); }
  if (!response.ok) throw new Error((data && data.error) || response.statusText);
  return data;
}

function count(n, noun) { return `${n} ${noun}${n === 1 ? "" : "s"}`; }

function say(text, isError = false) {  // the message line: red only for errors
  $("#message").textContent = text;
  $("#message").classList.toggle("error", isError);
}

function showLogin() { $("#app").hidden = true; $("#login").hidden = false; }

async function start() {
  const share = location.pathname.match(/^\/s\/([\w-]+)$/);
  if (share) return showShare(share[1]);
  try {
    const me = await api("/api/auth/me");
    signedIn(me);
  } catch { showLogin(); }
}

function signedIn(me) {
  state.csrf = me.csrf; state.user = me.user;
  $("#login").hidden = true; $("#app").hidden = false;
  $("#who").textContent = me.user.name;
  $("#admin-button").hidden = !me.user.admin;
  const q = new URLSearchParams(location.search).get("q") || "";
  $("#q").value = q;
  runQuery(q);
  if (location.pathname === "/admin" && me.user.admin) openAdmin();
  pollStatus();
}

$("#login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    const me = await api("/api/auth/login", { method: "POST", body: { username: form.get("username"), password: form.get("password") } });
    $("#login-error").textContent = "";
    signedIn(me);
  } catch (error) { $("#login-error").textContent = error.message; }
});

$("#logout").addEventListener("click", async () => {
  await api("/api/auth/logout", { method: "POST" }).catch(() => {});
  state.csrf = ""; $("#grid").replaceChildren(); showLogin();
});

$("#search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const q = $("#q").value.trim();
  history.replaceState(null, "", q ? `/?q=${encodeURIComponent(q)}` : "/");
  runQuery(q);
});

let suggestTimer;
$("#q").addEventListener("input", () => {
  clearTimeout(suggestTimer);
  suggestTimer = setTimeout(async () => {
    const word = $("#q").value.split(/\s+/).pop();
    if (!word || word.length < 2) return;
    const { items } = await api(`/api/suggest?q=${encodeURIComponent(word)}`).catch(() => ({ items: [] }));
    const head = $("#q").value.slice(0, $("#q").value.length - word.length);
    $("#suggestions").replaceChildren(...items.map((s) => el("option", { value: head + s.value, label: `${s.key}: ${s.value} (${s.count})` })));
  }, 150);
});

function runQuery(q) {
  state.query = q; state.cursor = null; state.done = false;
  $("#grid").replaceChildren(); $("#facets").replaceChildren(); $("#summary").textContent = ""; say("");
  $("#share-button").hidden = !q;
  showAdmin(false);
  loadMore();
}

function showAdmin(on) {  // the admin page replaces the grid (which then loads nothing more)
  state.admin = on;
  $("#admin").hidden = !on;
  for (const id of ["#grid", "#facets", "#summary", "#more"]) $(id).hidden = on;
}

async function loadMore() {
  if (state.loading || state.done || state.share || state.admin) return;  // a share's page lists its photos once, signed out
  state.loading = true;
  try {
    const cursor = state.cursor ? `&cursor=${encodeURIComponent(state.cursor)}` : "";
    if (state.query) {
      const result = await api(`/api/search?q=${encodeURIComponent(state.query)}&explain=1&limit=60${cursor}`);
      if (!state.cursor) { showFacets(result.facets); $("#summary").textContent = result.partial ? `No photo has every word: ${result.total} with most of them` : count(result.total, "photo"); }
      result.hits.forEach((hit) => $("#grid").append(tile(hit, caption(hit.matched))));
      state.cursor = result.next_cursor;
    } else {
      const page = await api(`/api/photos?limit=60${cursor}`);
      page.items.forEach((item) => $("#grid").append(tile(item, item.place || item.taken || "")));
      state.cursor = page.next_cursor;
    }
    state.done = !state.cursor;
  } catch (error) { say(error.message, true); state.done = true; }
  state.loading = false;
}

new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) loadMore(); }).observe($("#more"));

// A hit's caption in plain words: the matched terms' values, each once ("dog, pup", not "hypernym:dog, synonym:pup").
function caption(matched) {
  return [...new Set(matched.map((term) => term.slice(term.indexOf(":") + 1)))].join(", ");
}

function tile(item, caption) {
  const figure = el("figure", { class: "tile", "data-id": item.id, tabindex: "0" },
    el("img", { src: item.thumb, alt: item.path ? item.path.split("/").pop() : "", loading: "lazy" }),
    el("figcaption", { text: caption || (item.path || "").split("/").pop(), title: caption || "" }));
  figure.addEventListener("click", () => state.share ? null : openPhoto(item.id));
  figure.addEventListener("keydown", (event) => { if (event.key === "Enter") openPhoto(item.id); });
  return figure;
}

function showFacets(facets) {
  const chips = [];
  for (const [key, values] of Object.entries(facets || {})) {
    values.slice(0, 5).forEach((f) => chips.push(el("button", { class: "facet", type: "button", text: `${key}: ${f.value} (${f.count})`,
      onclick: () => { const value = f.value.includes(" ") ? `"${f.value}"` : f.value; $("#q").value = `${state.query} ${key}:${value}`.trim(); $("#search-form").requestSubmit(); } })));
  }
  $("#facets").replaceChildren(...chips);
}

function dl(pairs) {
  const list = el("dl");
  pairs.filter(([, v]) => v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && !v.length))
    .forEach(([k, v]) => list.append(el("dt", { text: k }), el("dd", { text: Array.isArray(v) ? v.join(", ") : String(v) })));
  return list;
}

async function openPhoto(id) {
  const photo = await api(`/api/photos/${encodeURIComponent(id)}`);
  const img = $("#photo");
  img.src = `/media/${encodeURIComponent(id)}/thumb?size=1280`;
  img.alt = photo.path.split("/").pop();
  const boxes = [
    ...photo.objects.map((o) => ({ box: o.box, label: `${o.label} ${Math.round((o.score || 0) * 100)}%`, kind: "object" })),
    ...photo.faces.map((f, i) => ({ box: f.box, label: [`face ${i + 1}`, f.gender, f.age ? `~${Math.round(f.age)}` : "", f.emotion].filter(Boolean).join(" "), kind: "face" })),
  ];
  $("#boxes").replaceChildren(...boxes.filter((b) => b.box).map((b) => {
    const node = el("div", { class: `box ${b.kind}` }, el("span", { text: b.label }));
    const { x1 = 0, y1 = 0, x2 = 0, y2 = 0 } = b.box;
    Object.assign(node.style, { left: `${x1 * 100}%`, top: `${y1 * 100}%`, width: `${(x2 - x1) * 100}%`, height: `${(y2 - y1) * 100}%` });
    return node;
  }));
  const exif = photo.exif || {};
  $("#details").replaceChildren(
    el("section", {}, el("h3", { text: "File" }), dl([["path", photo.path], ["size", `${photo.file.width}×${photo.file.height}`], ["format", photo.file.format],
      ["status", Object.entries(photo.status).map(([k, v]) => `${k} ${v}`).join(", ")], ["original", ""]]),
      el("a", { href: `/media/${encodeURIComponent(id)}/original`, text: "open original", target: "_blank", rel: "noopener" })),
    el("section", {}, el("h3", { text: "Camera" }), dl([["camera", [exif.make, exif.model].filter(Boolean).join(" ")], ["lens", exif.lens],
      ["taken", exif.taken_at], ["exposure", exif.exposure_s ? `1/${Math.round(1 / exif.exposure_s)} s` : ""], ["aperture", exif.aperture ? `f/${exif.aperture}` : ""],
      ["ISO", exif.iso], ["title", exif.title], ["description", exif.description], ["keywords", exif.keywords]])),
    el("section", {}, el("h3", { text: "Place" }), dl([["city", photo.place.city], ["region", photo.place.region], ["country", photo.place.country],
      ["near", photo.place.near ? `${photo.place.near} (${photo.place.near_km} km)` : ""]])),
    el("section", {}, el("h3", { text: "In it" }), dl([["classes", photo.classes.map((c) => c.label)], ["objects", photo.objects.map((o) => o.label)],
      ["faces", photo.faces.length || ""]])),
    el("section", {}, el("h3", { text: "Terms" }), el("p", { text: photo.terms.map((t) => `${t.key}:${t.value} (${t.source})`).join(" · ") })),
  );
  $("#viewer").showModal();
}

$("#close-viewer").addEventListener("click", () => $("#viewer").close());

async function pollStatus() {
  if ($("#app").hidden) return;
  try {
    const status = await api("/api/status");
    // a stage known only by its queue (the indexer) has no done/waiting counts
    const parts = Object.entries(status.stages).map(([stage, s]) => (s.done === undefined ? stage : `${stage} ${s.done}/${s.done + s.waiting}`) + (s.failed ? ` (${s.failed} failed)` : "") + (s.queued ? ` (${s.queued} queued)` : "") + (s.eta_seconds ? ` ~${s.eta_seconds}s` : ""));
    $("#status").textContent = `${count(status.photos, "photo")} · ${parts.join(" · ")}` + (status.failed_files ? ` · ${count(status.failed_files, "file")} failed` : "");
  } catch { /* the next poll tries again */ }
  setTimeout(pollStatus, 3000);
}

$("#share-button").addEventListener("click", async () => {
  try {
    const share = await api("/api/shares", { method: "POST", body: { query: state.query, hours: 72 } });
    say(`Share link (72 h): ${location.origin}${share.url}`);
  } catch (error) { say(error.message, true); }
});

$("#admin-button").addEventListener("click", () => { history.pushState(null, "", "/admin"); openAdmin(); });

async function openAdmin() {
  showAdmin(true);
  const [users, failed, dead] = await Promise.all([api("/api/admin/users"), api("/api/admin/failed"), api("/api/admin/dead-letters")]);
  $("#users tbody").replaceChildren(...users.items.map((u) => el("tr", {}, el("td", { text: u.name }), el("td", { text: u.roots.join(", ") }), el("td", { text: u.admin ? "yes" : "" }))));
  $("#failed").replaceChildren(...failed.files.map((f) => el("li", { text: `${f.path}: ${f.reason}` })),
    ...failed.photos.map((p) => el("li", { text: `${p.path}: ${p.stage} failed: ${p.reason}` })));
  $("#dead").replaceChildren(...dead.items.map((d) => el("li", { text: `${d.stage}: ${d.reason}` })));
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

async function showShare(token) {
  state.share = token;
  $("#login").hidden = true; $("#app").hidden = false;
  $("#search-form").hidden = true; $("#logout").hidden = true;
  try {
    const share = await api(`/api/shares/public/${encodeURIComponent(token)}`);
    $("#summary").textContent = `${count(share.items.length, "shared photo")}` + (share.query ? ` for “${share.query}”` : "");
    share.items.forEach((item) => $("#grid").append(tile(item, item.path)));
  } catch (error) { say(error.message, true); }
  state.done = true;
}

start();
