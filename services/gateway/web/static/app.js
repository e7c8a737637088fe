// picsift web gallery: no build step; every text from photos is set with textContent, never as HTML.
import { $, api, count, el, load, say, showLogin, state } from "/static/core.js";
import { openAdmin } from "/static/admin.js";
import { loadOnThisDay } from "/static/onthisday.js";
import { openUpload, uploadedSince } from "/static/upload.js";
import { allTiles, keepNear, tilesOf } from "/static/virtual.js";
import { paintStars, rateMany, starsBadge, starsControl } from "/static/ratings.js";

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
  openRoute();
  pollStatus();
}

function openRoute() {  // the page the address names: on sign-in, and on the browser's back and forward
  const params = new URLSearchParams(location.search);
  $("#q").value = params.get("q") || "";
  const route = location.pathname;
  if (route === "/admin" && state.user.admin) { showView("admin"); openAdmin(); }
  else if (route === "/map") openMap();
  else if (route === "/albums") openAlbums();
  else if (route === "/people") openPeople(params.get("person"));
  else runQuery($("#q").value);
}

window.addEventListener("popstate", () => { if (state.csrf && !state.share) openRoute(); });

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
  const address = q ? `/?q=${encodeURIComponent(q)}` : "/";
  if (location.pathname + location.search !== address) history.pushState(null, "", address);  // back: the last search
  runQuery(q);
});

let suggestTimer;
$("#q").addEventListener("input", () => {
  clearTimeout(suggestTimer);
  suggestTimer = setTimeout(async () => {
    const word = $("#q").value.split(/\s+/).pop();
    if (!word || word.length < 2 || word.length > 100) return;  // no term is longer: not worth asking
    const { items } = await api(`/api/suggest?q=${encodeURIComponent(word)}`).catch(() => ({ items: [] }));
    const head = $("#q").value.slice(0, $("#q").value.length - word.length);
    const term = (value) => (/\s/.test(value) ? `"${value}"` : value);  // several words are one term: a phrase
    $("#suggestions").replaceChildren(...items.map((s) => el("option", { value: head + term(s.value), label: `${s.key}: ${s.value} (${s.count})` })));
  }, 150);
});

function runQuery(q, cursor = null, load = true) {
  state.generation = (state.generation || 0) + 1;  // a page still loading for the last query is dropped
  state.loading = false;
  state.query = q; state.cursor = cursor; state.done = false; state.lastMonth = null;
  $("#grid").replaceChildren(); $("#facets").replaceChildren(); $("#summary").textContent = ""; say("");
  $("#share-button").hidden = $("#save-search").hidden = !q;
  $("#newest").hidden = !cursor;
  showView("grid");
  if (!q && !cursor && load) { loadTimeline(); loadOnThisDay(openViewer); } else $("#on-this-day").hidden = true;
  $("#scrubber").hidden = !!q;
  if (load) loadMore();
}

function showView(view) {  // the admin page and the map replace the grid (which then loads nothing more)
  if (view !== "grid" && state.selecting) endSelecting();
  state.view = view;
  $("#admin").hidden = view !== "admin";
  $("#map").hidden = view !== "map";
  $("#albums").hidden = view !== "albums";
  $("#people").hidden = view !== "people";
  for (const id of ["#grid", "#facets", "#summary", "#more", "#scrubber"]) $(id).hidden = view !== "grid";
  if (view !== "grid") $("#on-this-day").hidden = true;
  if (view !== "grid") $("#newest").hidden = $("#share-button").hidden = $("#save-search").hidden = true;
}

async function loadMore() {
  if (state.loading || state.done || state.share || state.view !== "grid") return;  // a share's page lists its photos once, signed out
  state.loading = true;
  const generation = state.generation;
  try {
    const cursor = state.cursor ? `&cursor=${encodeURIComponent(state.cursor)}` : "";
    if (state.query) {
      const result = await api(`/api/search?q=${encodeURIComponent(state.query)}&explain=1&limit=60${cursor}`);
      if (generation !== state.generation) return;
      if (!state.cursor) { showFacets(result.facets); $("#summary").textContent = result.partial ? `No photo has every word: ${result.total} with most of them` : count(result.total, "photo"); }
      result.hits.forEach((hit) => $("#grid").append(tile(hit, caption(hit.matched))));
      state.cursor = result.next_cursor;
      keepNear();
    } else {
      const page = await api(`/api/photos?limit=60${cursor}`);
      if (generation !== state.generation) return;
      page.items.forEach((item) => {
        if (item.month && item.month !== state.lastMonth) $("#grid").append(monthHeader(item.month));
        state.lastMonth = item.month;
        $("#grid").append(tile(item, item.place || item.taken || ""));
      });
      state.cursor = page.next_cursor;
      keepNear();
    }
    state.done = !state.cursor;
    state.loading = false;
    if (!state.done && $("#more").getBoundingClientRect().top < window.innerHeight) requestAnimationFrame(loadMore);  // still in view: no new intersection will come
  } catch (error) {
    if (generation === state.generation) { say(error.message, true); state.done = true; state.loading = false; }
  }
}

new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) loadMore(); }).observe($("#more"));
window.addEventListener("scroll", () => { if ($("#more").getBoundingClientRect().top < window.innerHeight) loadMore(); }, { passive: true });  // the end in view after months were given up

// -- timeline: month headers in the grid, a scrubber of the months the server counted -----------------------------

function monthName(month, style = "long") {
  const [year, number] = month.split("-").map(Number);
  return new Date(Date.UTC(year, number - 1, 1)).toLocaleDateString("en", { month: style, year: "numeric", timeZone: "UTC" });
}

const onScreen = new IntersectionObserver((entries) => {  // the scrubber marks the month at the top of the grid
  const seen = entries.filter((e) => e.isIntersecting).map((e) => e.target.dataset.month);
  if (!seen.length) return;
  document.querySelectorAll("#scrubber .current").forEach((node) => node.classList.remove("current"));
  document.querySelector(`#scrubber [data-month="${seen[0]}"]`)?.classList.add("current");
}, { rootMargin: "0px 0px -80% 0px" });

function monthHeader(month) {
  const header = el("h2", { class: "month", "data-month": month, text: monthName(month) });
  onScreen.observe(header);
  return header;
}

async function loadTimeline() {
  try {
    const { months } = await api("/api/timeline");
    let year = null;
    $("#scrubber").replaceChildren(...months.map((m) => {
      const label = m.month.slice(0, 4) !== year ? m.month.slice(0, 4) : "";
      year = m.month.slice(0, 4);
      const mark = el("button", { type: "button", class: label ? "scrub year" : "scrub", "data-month": m.month,
        title: `${monthName(m.month)} · ${count(m.count, "photo")}`, "aria-label": `${monthName(m.month)}, ${count(m.count, "photo")}`,
        onclick: () => jumpTo(m) }, el("span", { text: label }));
      mark.style.flexGrow = String(Math.max(m.count, 1));
      return mark;
    }));
  } catch (error) { say(error.message, true); }
}

function jumpTo(month) {  // the grid from that month on; "Newest photos" goes back to the top
  document.querySelectorAll("#scrubber .current").forEach((node) => node.classList.remove("current"));
  runQuery("", month.cursor);
  window.scrollTo(0, 0);
}

$("#newest").addEventListener("click", () => { runQuery(""); window.scrollTo(0, 0); });

// A hit's caption in plain words: the matched terms' values, each once ("dog, pup", not "hypernym:dog, synonym:pup").
function caption(matched) {  // what it matched; "similar:ID" names the photo asked about, not this one
  const said = matched.filter((term) => !term.startsWith("similar:"));
  return [...new Set(said.map((term) => term.slice(term.indexOf(":") + 1)))].join(", ");
}

function tile(item, caption) {
  const figure = el("figure", { class: item.favorite ? "tile favorite" : "tile", "data-id": item.id, tabindex: "0" },
    el("img", { src: item.thumb, alt: item.path ? item.path.split("/").pop() : "", loading: "lazy" }),
    starsBadge(item.rating || 0),
    el("figcaption", { text: caption || (item.path || "").split("/").pop(), title: caption || "" }));
  if (item.rating !== undefined) Object.assign(figure.dataset, { rating: String(item.rating), ratedBy: item.rated_by });
  const open = () => state.share ? null : state.selecting ? toggleSelected(figure) : openViewer(item.id);
  figure.addEventListener("click", open);
  figure.addEventListener("keydown", (event) => { if (event.key === "Enter" || (event.key === " " && state.selecting)) { event.preventDefault(); open(); } });
  if (selection.has(item.id)) figure.classList.add("selected");
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

async function showDetails(id) {  // the dialog over the viewer: marks, boxes, everything known
  const photo = await api(`/api/photos/${encodeURIComponent(id)}`);
  state.photo = photo;
  showMarks(photo);
  const img = $("#photo");
  img.src = `/media/${encodeURIComponent(id)}/thumb?size=1280`;
  img.alt = photo.path.split("/").pop();
  const boxes = [
    ...photo.objects.map((o) => ({ box: o.box, label: `${o.label} ${Math.round((o.score || 0) * 100)}%`, kind: "object" })),
    ...photo.faces.map((f, i) => ({ box: f.box, label: [`face ${i + 1}`, f.gender, f.age ? `~${Math.round(f.age)}` : "", f.emotion].filter(Boolean).join(" "), kind: "face" })),
    ...(photo.text?.lines || []).map((l) => ({ box: l.box, label: l.text, kind: "text" })),
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
      ["faces", photo.faces.length || ""], ["text", (photo.text?.lines || []).map((l) => l.text)]])),
    el("section", {}, el("h3", { text: "Terms" }), el("p", { text: photo.terms.map((t) => `${t.key}:${t.value} (${t.source})`).join(" · ") })),
  );
  $("#viewer").showModal();
}

$("#close-viewer").addEventListener("click", () => $("#viewer").close());

// -- the viewer: PhotoSwipe (vendored from npm) over the photos in the grid: zoom, previous/next, keys, swipe -------

const SLIDE_SECONDS = 4;
const viewer = { PhotoSwipe: null, pswp: null, sizes: new Map(), timer: null };

async function photoSwipe() {
  if (!viewer.PhotoSwipe) {
    await load("link", { rel: "stylesheet", href: "/static/photoswipe.css" });
    viewer.PhotoSwipe = (await import("/static/photoswipe.esm.js")).default;
  }
  return viewer.PhotoSwipe;
}

function slideOf(id, thumb, marks = {}) {  // marks: favorite, rating, rated_by as the tile knows them (none: asked)  // the 1280 px rendition; its shape from the tile's thumbnail until it has loaded
  let size = viewer.sizes.get(id) || [1280, 960];
  if (!viewer.sizes.has(id) && thumb?.naturalWidth) {
    const { naturalWidth: w, naturalHeight: h } = thumb;
    const scale = Math.max(w, h) < 320 ? 1 : 1280 / Math.max(w, h);  // a thumbnail below 320 px is the photo's size
    size = [Math.round(w * scale), Math.round(h * scale)];
  }
  return { id, ...marks, src: `/media/${encodeURIComponent(id)}/thumb?size=1280`, msrc: thumb?.currentSrc || undefined,
    width: size[0], height: size[1], alt: thumb?.alt || "" };
}

async function openViewer(id, only = null) {
  const slides = only ? only.map((item) => slideOf(item.id, null))
    : allTiles().map((t) => slideOf(t.dataset.id, t.querySelector("img"), tileMarks(t)));
  try {
    const PhotoSwipe = await photoSwipe();
    const pswp = new PhotoSwipe({ dataSource: slides, index: Math.max(0, slides.findIndex((s) => s.id === id)),
      showHideAnimationType: "fade", trapFocus: false, bgOpacity: 0.94, preload: [1, 2],
      secondaryZoomLevel: (zoom) => Math.max(1, zoom.fit * 2), maxZoomLevel: (zoom) => Math.max(2, zoom.fit * 4) });
    pswp.on("uiRegister", () => viewerButtons(pswp));
    pswp.on("loadComplete", ({ content }) => trueSize(pswp, content));
    pswp.on("keydown", (event) => { if ($("#viewer").open) event.preventDefault(); });  // the details dialog has the keys
    pswp.on("destroy", () => { stopSlideshow(); viewer.pswp = null; });
    viewer.pswp = pswp;
    pswp.init();
  } catch (error) { say(error.message, true); }
}

function tileMarks(tile) {
  const marks = { favorite: tile.classList.contains("favorite") };
  if (tile.dataset.rating !== undefined) Object.assign(marks, { rating: Number(tile.dataset.rating), rated_by: tile.dataset.ratedBy });
  return marks;
}

function trueSize(pswp, content) {  // once the rendition is in, its own size (zoom goes to its pixels, not a guess)
  const img = content.element, item = pswp.options.dataSource[content.index];
  if (!img?.naturalWidth || !item) return;
  viewer.sizes.set(item.id, [img.naturalWidth, img.naturalHeight]);
  if (item.width !== img.naturalWidth || item.height !== img.naturalHeight) {
    Object.assign(item, { width: img.naturalWidth, height: img.naturalHeight });
    const refresh = () => pswp.refreshSlideContent(content.index);  // not while it opens: the opening waits for this content
    if (pswp.opener.isOpen) setTimeout(refresh); else pswp.on("openingAnimationEnd", refresh);
  }
}

const ICON = (inner) => `<svg aria-hidden="true" class="pswp__icn" viewBox="0 0 32 32" width="32" height="32">${inner}</svg>`;
const ICONS = {  // drawn here, not taken from a font: a missing glyph would be an empty box
  info: ICON('<circle class="line" cx="16" cy="16" r="10.5"/><rect x="14.6" y="14" width="2.8" height="8.5"/><circle cx="16" cy="10.4" r="1.8"/>'),
  favourite: ICON('<path class="heart" d="M16 26.5s-9.5-5.9-9.5-12.3a5.2 5.2 0 0 1 9.5-3 5.2 5.2 0 0 1 9.5 3c0 6.4-9.5 12.3-9.5 12.3z"/>'),
  download: ICON('<path class="line" d="M16 6v13m-5.5-5.5L16 19l5.5-5.5M8 25h16"/>'),
  slideshow: ICON('<path class="play" d="M11 8.5v15l12.5-7.5z"/><path class="pause" d="M10 9h4.5v14H10zm7.5 0H22v14h-4.5z"/>'),
  similar: ICON('<rect class="line" x="6.5" y="8.5" width="10" height="10" rx="1.5"/><rect class="line" x="15.5" y="13.5" width="10" height="10" rx="1.5"/>'),
};

function whenOpen(pswp) {  // a modal dialog shown while PhotoSwipe fades in would stop its opening half-way
  return pswp.opener.isOpen ? Promise.resolve() : new Promise((resolve) => pswp.on("openingAnimationEnd", resolve));
}

function viewerButtons(pswp) {
  const current = () => pswp.options.dataSource[pswp.currIndex];
  pswp.ui.registerElement({ name: "info", order: 15, isButton: true, title: "Details and albums", ariaLabel: "Details and albums",
    html: ICONS.info, onClick: () => whenOpen(pswp).then(() => showDetails(current().id)) });
  pswp.ui.registerElement({ name: "favourite", order: 16, isButton: true, title: "Favourite", ariaLabel: "Favourite", html: ICONS.favourite,
    onInit: (button) => pswp.on("change", () => paintFavourite(button, current())),
    onClick: (event, button) => toggleFavourite(button, current()) });
  pswp.ui.registerElement({ name: "rating", order: 9, isButton: false, appendTo: "root", html: "",
    onInit: (holder) => { const control = starsControl(current); holder.append(control); pswp.on("change", () => paintStars(control, current())); } });
  pswp.ui.registerElement({ name: "download", order: 17, isButton: true, tagName: "a", title: "Download the original",
    ariaLabel: "Download the original", html: ICONS.download,
    onInit: (link) => pswp.on("change", () => { link.href = `/media/${encodeURIComponent(current().id)}/original?download=1`; link.setAttribute("download", ""); }) });
  pswp.ui.registerElement({ name: "slideshow", order: 18, isButton: true, title: "Slideshow", ariaLabel: "Slideshow", html: ICONS.slideshow,
    onClick: (event, button) => (viewer.timer ? stopSlideshow() : startSlideshow(pswp, button)) });
  pswp.ui.registerElement({ name: "similar", order: 19, isButton: true, title: "Similar photos", ariaLabel: "Similar photos",
    html: ICONS.similar, onClick: () => showSimilar(pswp, current().id) });
}

function showSimilar(pswp, id) {  // her photos most like this one: the `similar:ID` search, in the grid once the viewer has closed
  pswp.on("destroy", () => { $("#q").value = `similar:${id}`; $("#search-form").requestSubmit(); });
  whenOpen(pswp).then(() => pswp.close());  // a viewer still opening does not close
}

async function paintFavourite(button, item) {
  if (item.favorite === undefined) {  // opened from the map: ask
    item.favorite = await api(`/api/photos/${encodeURIComponent(item.id)}`).then((p) => p.favorite, () => false);
  }
  button.setAttribute("aria-pressed", String(item.favorite));
}

async function toggleFavourite(button, item) {
  try {
    const { favorite } = await api(`/api/photos/${encodeURIComponent(item.id)}/favorite`, { method: item.favorite ? "DELETE" : "PUT" });
    item.favorite = favorite;
    paintFavourite(button, item);
    tilesOf(item.id).forEach((node) => node.classList.toggle("favorite", favorite));
  } catch (error) { say(error.message, true); }
}

function startSlideshow(pswp, button) {
  viewer.timer = setInterval(() => pswp.next(), SLIDE_SECONDS * 1000);
  viewer.button = button;
  button.setAttribute("aria-pressed", "true");
}

function stopSlideshow() {
  clearInterval(viewer.timer);
  viewer.timer = null;
  viewer.button?.setAttribute("aria-pressed", "false");
}

// -- favourites and albums: hers, kept in the record store, found by `favorite` and `album:NAME` ------------------

function albumQuery(name) { return `album:"${name.replace(/"/g, "")}"`; }

function showMarks(photo) {
  $("#favorite").setAttribute("aria-pressed", String(photo.favorite));
  $("#favorite").textContent = photo.favorite ? "★ Favourite" : "☆ Favourite";
  $("#photo-albums").replaceChildren(...photo.albums.map((album) => el("span", { class: "chip" }, album.name,
    el("button", { type: "button", class: "unchip", "aria-label": `Take out of ${album.name}`, text: "×",
      onclick: () => markPhoto(`/api/albums/${album.id}/photos/${encodeURIComponent(photo.id)}`, "DELETE") }))));
  api("/api/albums").then(({ items }) => $("#album-names").replaceChildren(...items.map((a) => el("option", { value: a.name }))), () => {});
}

async function markPhoto(path, method, body) {  // change a mark, then show the photo's marks and its tile as they now are
  const id = state.photo.id;
  try {
    await api(path, { method, body });
    const photo = await api(`/api/photos/${encodeURIComponent(id)}`);
    state.photo = photo;
    showMarks(photo);
    tilesOf(id).forEach((node) => node.classList.toggle("favorite", photo.favorite));
    const slide = viewer.pswp?.currSlide?.data;
    if (slide?.id === id) { slide.favorite = photo.favorite; viewer.pswp.dispatch("change"); }
  } catch (error) { say(error.message, true); }
}

$("#favorite").addEventListener("click", () => markPhoto(`/api/photos/${encodeURIComponent(state.photo.id)}/favorite`, state.photo.favorite ? "DELETE" : "PUT"));

$("#add-to-album").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = $("#album-name").value.trim();
  try {
    const { items } = await api("/api/albums");
    const album = items.find((a) => a.name.toLowerCase() === name.toLowerCase()) || await api("/api/albums", { method: "POST", body: { name } });
    await markPhoto(`/api/albums/${album.id}/photos`, "POST", { ids: [state.photo.id] });
    $("#album-name").value = "";
  } catch (error) { say(error.message, true); }
});

$("#favorites-button").addEventListener("click", () => { $("#q").value = "favorite"; $("#search-form").requestSubmit(); });

$("#albums-button").addEventListener("click", () => { history.pushState(null, "", "/albums"); openAlbums(); });

async function openAlbums() {
  showView("albums");
  try {
    const { items } = await api("/api/albums");
    $("#album-list").replaceChildren(...items.map(albumCard));
    if (!items.length) $("#album-list").append(el("p", { text: "No albums yet: open a photo and add it to one, or save a search." }));
  } catch (error) { say(error.message, true); }
}

// An album's card: its cover opens it (`album:NAME`: a smart album's search runs now), renamed and deleted in place.
function albumCard(album) {
  const caption = el("figcaption", { title: album.smart ? `Smart album: ${album.query}` : "" },
    ...(album.smart ? [el("span", { class: "badge", text: "smart" })] : []), `${album.name} · ${count(album.count, "photo")}`,
    ...(album.smart ? [el("span", { class: "album-query", text: album.query })] : []));
  const rename = el("button", { type: "button", text: "Rename", "aria-label": `Rename ${album.name}`, onclick: () => renaming(album, caption) });
  const remove = el("button", { type: "button", class: "delete", text: "Delete", "aria-label": `Delete ${album.name}`,
    onclick: () => remove.classList.contains("confirm") ? changeAlbum(album, "DELETE") : Object.assign(remove, { className: "delete confirm", textContent: "Delete?" }) });
  return el("figure", { class: album.smart ? "album smart" : "album", "data-id": album.id },
    el("button", { type: "button", class: "cover", "aria-label": `Open ${album.name}`, onclick: () => { $("#q").value = albumQuery(album.name); $("#search-form").requestSubmit(); } },
      album.cover ? el("img", { src: `/media/${encodeURIComponent(album.cover)}/thumb`, alt: "" }) : el("div", { class: "empty" })),
    caption, el("div", { class: "album-actions" }, rename, remove));
}

function renaming(album, caption) {  // the caption becomes its name, to edit; Enter keeps it, Escape does not
  const name = el("input", { class: "album-name", value: album.name, maxlength: "200", required: "", "aria-label": `New name of ${album.name}`, enterkeyhint: "done" });
  const form = el("form", { class: "rename-album" }, name);
  form.addEventListener("submit", (event) => { event.preventDefault(); changeAlbum(album, "PATCH", { name: name.value }); });
  name.addEventListener("keydown", (event) => { if (event.key === "Escape") openAlbums(); });
  caption.replaceWith(form);
  name.select();
}

async function changeAlbum(album, method, body) {
  try {
    await api(`/api/albums/${album.id}`, { method, body });
    say(method === "DELETE" ? `Deleted ${album.name} (its photos stay)` : `Renamed to ${body.name.trim()}`);
  } catch (error) { say(error.message, true); }
  openAlbums();
}

$("#save-search").addEventListener("submit", async (event) => {  // the search in the grid, kept as a smart album
  event.preventDefault();
  try {
    const album = await api("/api/albums", { method: "POST", body: { name: $("#smart-name").value, query: state.query } });
    say(`Saved as the smart album ${album.name} (${count(album.count, "photo")} now; new ones that match join it)`);
    event.target.reset();
  } catch (error) { say(error.message, true); }
});

$("#new-album").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    await api("/api/albums", { method: "POST", body: { name: new FormData(event.target).get("name") } });
    event.target.reset(); openAlbums();
  } catch (error) { say(error.message, true); }
});

// -- people: her faces grouped by the server, shown as round crops, named in place, merged by picking ------------------

const peopleState = { merging: null };

$("#people-button").addEventListener("click", () => { history.pushState(null, "", "/people"); openPeople(); });

async function openPeople(person = null) {
  if (person) return openPerson(person);
  showView("people");
  endMerge();
  try {
    const { people } = await api("/api/people");
    $("#people-list").replaceChildren(...people.map(personCard));
    if (!people.length) $("#people-list").append(el("p", { text: "No people yet: faces that appear twice or more make a person." }));
  } catch (error) { say(error.message, true); }
}

function personLabel(person) { return person.name || "this person"; }

function personCard(person) {
  const name = el("input", { class: "person-name", value: person.name || "", placeholder: "Add a name", maxlength: "100",
    "aria-label": `Name of ${personLabel(person)}`, enterkeyhint: "done" });
  name.addEventListener("change", () => namePerson(person, name.value.trim()));
  name.addEventListener("keydown", (event) => { if (event.key === "Enter") name.blur(); });
  const face = el("button", { type: "button", class: "face", "aria-label": `Photos of ${personLabel(person)}`,
    onclick: () => peopleState.merging ? mergeInto(person) : (history.pushState(null, "", `/people?person=${person.id}`), openPerson(person.id)) },
  el("img", { src: `/api/people/${person.id}/face`, alt: "" }));
  return el("figure", { class: "person", "data-id": person.id }, face, name,
    el("figcaption", { text: count(person.photos, "photo") }),
    el("button", { type: "button", class: "merge", text: "Merge…", onclick: () => startMerge(person) }));
}

async function namePerson(person, name) {
  if (!name || name === (person.name || "")) return;
  try {
    const named = await api(`/api/people/${person.id}`, { method: "PATCH", body: { name } });
    if (named.id !== person.id) { say(`Merged with ${named.name}, who already had that name`); return openPeople(); }
    person.name = named.name;
    say(`Named ${named.name}`);
  } catch (error) { say(error.message, true); }
}

function startMerge(person) {
  peopleState.merging = person;
  $("#merging-text").textContent = `Pick the person ${personLabel(person)} is (the name picked stays)`;
  $("#merging").hidden = false;
  document.querySelectorAll(".person").forEach((card) => card.classList.toggle("target", card.dataset.id !== String(person.id)));
  document.querySelector(`.person[data-id="${person.id}"]`)?.classList.add("source");
}

function endMerge() {
  peopleState.merging = null;
  $("#merging").hidden = true;
  document.querySelectorAll(".person").forEach((card) => card.classList.remove("target", "source"));
}

$("#merge-cancel").addEventListener("click", endMerge);

async function mergeInto(person) {
  const from = peopleState.merging;
  if (from.id === person.id) return endMerge();
  try {
    const merged = await api(`/api/people/${from.id}/merge`, { method: "POST", body: { into: person.id } });
    say(`Merged into ${merged.name || "one person"}`);
  } catch (error) { say(error.message, true); }
  openPeople();
}

async function openPerson(id) {  // her photos of this person, in the grid
  try {
    const person = await api(`/api/people/${encodeURIComponent(id)}`);
    runQuery("", null, false);
    state.done = true;
    $("#scrubber").hidden = true;
    const photos = [...new Map(person.photos.map((p) => [p.id, p])).values()];
    $("#summary").textContent = `${person.name || "Unnamed person"} · ${count(photos.length, "photo")}`;
    photos.forEach((p) => $("#grid").append(tile({ ...p, thumb: `/media/${encodeURIComponent(p.id)}/thumb` }, p.path.split("/").pop())));
  } catch (error) { say(error.message, true); }
}

// -- selecting many photos for one action: favourite, add to an album, download as a zip, share -----------------------

const selection = new Set();

$("#select-button").addEventListener("click", () => (state.selecting ? endSelecting() : startSelecting()));

function startSelecting() {
  state.selecting = true;
  document.body.classList.add("selecting");
  $("#select-button").setAttribute("aria-pressed", "true");
  $("#bulk").hidden = false;
  showSelected();
  api("/api/albums").then(({ items }) => $("#album-names").replaceChildren(...items.map((a) => el("option", { value: a.name }))), () => {});
}

function endSelecting() {
  state.selecting = false;
  selection.clear();
  document.body.classList.remove("selecting");
  allTiles().forEach((node) => node.classList.remove("selected"));
  $("#select-button").setAttribute("aria-pressed", "false");
  $("#bulk").hidden = true;
}

function toggleSelected(figure) {
  const id = figure.dataset.id;
  if (selection.has(id)) selection.delete(id); else selection.add(id);
  tilesOf(id).forEach((node) => node.classList.toggle("selected", selection.has(id)));
  showSelected();
}

function showSelected() {
  $("#bulk-count").textContent = `${count(selection.size, "photo")} selected`;
  for (const id of ["#bulk-favorite", "#bulk-rating", "#bulk-download", "#bulk-share", "#bulk-album button"]) $(id).disabled = !selection.size;
}

$("#bulk-all").addEventListener("click", () => {
  allTiles().forEach((node) => { selection.add(node.dataset.id); node.classList.add("selected"); });
  showSelected();
});

$("#bulk-done").addEventListener("click", endSelecting);

$("#bulk-favorite").addEventListener("click", async () => {
  try {
    const { ids } = await api("/api/favorites", { method: "POST", body: { ids: [...selection], favorite: true } });
    ids.forEach((id) => tilesOf(id).forEach((node) => node.classList.add("favorite")));
    say(`${count(ids.length, "photo")} made favourites`);
  } catch (error) { say(error.message, true); }
});

$("#bulk-album").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = $("#bulk-album-name").value.trim();
  try {
    const { items } = await api("/api/albums");
    const album = items.find((a) => a.name.toLowerCase() === name.toLowerCase()) || await api("/api/albums", { method: "POST", body: { name } });
    const added = await api(`/api/albums/${album.id}/photos`, { method: "POST", body: { ids: [...selection] } });
    say(`${count(selection.size, "photo")} added to ${added.name} (${count(added.count, "photo")} in it)`);
    $("#bulk-album-name").value = "";
    $("#bulk-album-name").blur();  // its list of albums would cover the bar
  } catch (error) { say(error.message, true); }
});

$("#bulk-rating").addEventListener("change", async (event) => {
  const value = event.target.value;
  event.target.value = "";
  if (value) await rateMany([...selection], value);
});

$("#bulk-download").addEventListener("click", async () => {  // the server streams the zip; the browser saves it as it comes
  try {
    const made = await api("/api/downloads", { method: "POST", body: { ids: [...selection] } });
    const link = el("a", { href: made.url, download: "", hidden: "" });
    document.body.append(link);
    link.click();
    link.remove();
    say(`Downloading ${count(made.photos, "photo")} as a zip`);
  } catch (error) { say(error.message, true); }
});

$("#bulk-share").addEventListener("click", async () => {
  try {
    const share = await api("/api/shares", { method: "POST", body: { ids: [...selection], hours: 72 } });
    say(`Share link (72 h) for ${count(share.photos, "photo")}: ${location.origin}${share.url}`);
  } catch (error) { say(error.message, true); }
});

async function pollStatus() {
  if ($("#app").hidden) return;
  try {
    const status = await api("/api/status");
    // a stage known only by its queue (the indexer) has no done/waiting counts: shown only while it holds some
    const parts = Object.entries(status.stages).filter(([, s]) => s.done !== undefined || s.queued || s.failed).map(([stage, s]) => (s.done === undefined ? stage : `${stage} ${s.done}/${s.done + s.waiting}`) + (s.failed ? ` (${s.failed} failed)` : "") + (s.queued ? ` (${s.queued} queued)` : "") + (s.eta_seconds ? ` ~${s.eta_seconds}s` : ""));
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

$("#upload-button").addEventListener("click", async () => {
  try { await openUpload(await api("/api/uploads")); } catch (error) { say(error.message, true); }
});

$("#upload-dialog").addEventListener("close", () => { if (uploadedSince() && state.view === "grid" && !state.query) runQuery(""); });

$("#admin-button").addEventListener("click", () => { history.pushState(null, "", "/admin"); showView("admin"); openAdmin(); });

// -- map: Leaflet (vendored from npm, served from /static) over clusters the server made for the box and zoom --------

const mapState = { map: null, markers: null, asked: 0 };

$("#map-button").addEventListener("click", () => { history.pushState(null, "", "/map"); openMap(); });

async function openMap() {
  showView("map");
  try {
    if (!window.L) {
      await Promise.all(["leaflet.css", "MarkerCluster.css", "MarkerCluster.Default.css"].map((name) => load("link", { rel: "stylesheet", href: `/static/${name}` })));
      await load("script", { src: "/static/leaflet.js" });
      await load("script", { src: "/static/leaflet.markercluster.js" });
    }
    if (!mapState.map) {
      const settings = await api("/api/map/settings");
      const map = L.map("map-canvas", { worldCopyJump: true, maxZoom: settings.max_zoom }).setView([25, 0], 2);
      const { clusters } = await api("/api/map?zoom=3");  // the first view holds all her GPS photos
      if (clusters.length) map.fitBounds(L.latLngBounds(clusters.map((c) => [c.lat, c.lon])), { padding: [40, 40], maxZoom: 12 });
      if (settings.tiles) L.tileLayer(settings.tiles, { attribution: settings.attribution, maxZoom: settings.max_zoom }).addTo(map);
      mapState.markers = L.markerClusterGroup({ iconCreateFunction: clusterIcon, showCoverageOnHover: false, maxClusterRadius: 50 });
      map.addLayer(mapState.markers);
      map.on("moveend", loadClusters);
      mapState.map = map;
    }
    mapState.map.invalidateSize();
    await loadClusters();
  } catch (error) { say(error.message, true); }
}

async function loadClusters() {
  const { map, markers } = mapState;
  const box = map.getBounds();
  const bbox = [box.getWest(), box.getSouth(), box.getEast(), box.getNorth()].map((v) => v.toFixed(5)).join(",");
  const asked = ++mapState.asked;
  const found = await api(`/api/map?bbox=${bbox}&zoom=${map.getZoom()}`);
  if (asked !== mapState.asked) return;  // the map moved on meanwhile
  markers.clearLayers();
  markers.addLayers(found.clusters.map(photoMarker));
  Object.assign($("#map").dataset, { total: found.total, zoom: map.getZoom() });
}

function photoMarker(cell) {  // a server cluster: its newest photo, with the count when more than one
  const html = el("div", {}, el("img", { src: cell.thumb, alt: "" }), ...(cell.count > 1 ? [el("span", { text: String(cell.count) })] : []));
  const marker = L.marker([cell.lat, cell.lon], { icon: L.divIcon({ className: "photo-pin", iconSize: [52, 52], html }),
    count: cell.count, title: count(cell.count, "photo") });
  marker.on("click", () => {
    const map = mapState.map;
    if (cell.count === 1 || map.getZoom() >= map.getMaxZoom()) openViewer(cell.id, [cell]);
    else map.setView([cell.lat, cell.lon], Math.min(map.getZoom() + 3, map.getMaxZoom()));
  });
  return marker;
}

function clusterIcon(group) {  // markercluster merges pins that overlap on screen: the sum of their photos
  const n = group.getAllChildMarkers().reduce((sum, marker) => sum + marker.options.count, 0);
  const size = n < 10 ? "small" : n < 100 ? "medium" : "large";
  return L.divIcon({ className: `marker-cluster marker-cluster-${size}`, iconSize: [40, 40], html: el("div", {}, el("span", { text: String(n) })) });
}

async function showShare(token) {
  state.share = token;
  $("#login").hidden = true; $("#app").hidden = false;
  $("#search-form").hidden = true; $("header nav").hidden = true;  // a signed-out visitor: no menu of the signed-in
  try {
    const share = await api(`/api/shares/public/${encodeURIComponent(token)}`);
    $("#summary").textContent = `${count(share.items.length, "shared photo")}` + (share.query ? ` for “${share.query}”` : "");
    share.items.forEach((item) => $("#grid").append(tile(item, item.path)));
  } catch (error) { say(error.message, true); }
  state.done = true;
}

start();
