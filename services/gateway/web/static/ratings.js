// Ratings: 0-5 stars of her own, shown and set in the viewer and the bulk bar; hers win over the file's XMP rating.
import { api, count, el, say } from "/static/core.js";
import { tilesOf } from "/static/virtual.js";

const STARS = 5;

export function starText(rating) { return "★".repeat(rating) + "☆".repeat(STARS - rating); }

export function starsBadge(rating) {  // on a tile: only when it has stars
  return el("span", { class: "tile-stars", text: rating ? "★".repeat(rating) : "", "aria-label": rating ? `${rating} stars` : "" });
}

function paintTiles(id, rating, ratedBy) {
  tilesOf(id).forEach((tile) => {
    Object.assign(tile.dataset, { rating: String(rating), ratedBy });
    tile.querySelector(".tile-stars")?.replaceWith(starsBadge(rating));
  });
}

export function starsControl(current) {  // five buttons; picking the stars it has already takes them to none
  const control = el("span", { class: "stars", role: "group", "aria-label": "Rating" });
  for (let n = 1; n <= STARS; n += 1) {
    control.append(el("button", { type: "button", class: "star", "data-stars": String(n), "aria-label": `${n} star${n > 1 ? "s" : ""}`,
      text: "☆", onclick: (event) => { event.stopPropagation(); ratePhoto(control, current(), n); } }));
  }
  return control;
}

export async function paintStars(control, item) {
  if (item.rating === undefined) {  // opened from the map or a person: ask
    Object.assign(item, await api(`/api/photos/${encodeURIComponent(item.id)}`).then((p) => ({ rating: p.rating, rated_by: p.rated_by }), () => ({ rating: 0 })));
  }
  control.dataset.rating = String(item.rating);
  control.title = item.rated_by === "file" && item.rating ? `${item.rating} stars from the file (yours would win)` : `${item.rating || "no"} stars`;
  control.querySelectorAll(".star").forEach((star) => {
    const on = Number(star.dataset.stars) <= item.rating;
    star.textContent = on ? "★" : "☆";
    star.setAttribute("aria-pressed", String(on && Number(star.dataset.stars) === item.rating));
  });
}

async function ratePhoto(control, item, stars) {
  const rating = stars === item.rating && item.rated_by === "you" ? 0 : stars;
  try {
    Object.assign(item, await api(`/api/photos/${encodeURIComponent(item.id)}/rating`, { method: "PUT", body: { rating } }));
    paintStars(control, item);
    paintTiles(item.id, item.rating, item.rated_by);
  } catch (error) { say(error.message, true); }
}

export async function rateMany(ids, value) {  // the bulk bar: 0-5 stars, or "file": hers taken away
  const rating = value === "file" ? null : Number(value);
  try {
    const { items } = await api("/api/ratings", { method: "POST", body: { ids, rating } });
    items.forEach((item) => paintTiles(item.id, item.rating, item.rated_by));
    say(rating === null ? `${count(ids.length, "photo")}: the files' own ratings again` : `${count(ids.length, "photo")} rated ${count(rating, "star")}`);
  } catch (error) { say(error.message, true); }
}
