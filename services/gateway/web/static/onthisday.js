// "On this day": a strip above the timeline of her photos taken on today's date (hers, in her browser) in earlier years.
import { $, api, count, el } from "/static/core.js";

function today() {
  const now = new Date();
  return [now.getFullYear(), now.getMonth() + 1, now.getDate()].map((n) => String(n).padStart(2, "0")).join("-");
}

function yearsAgo(n) { return n === 1 ? "a year ago" : `${n} years ago`; }

export async function loadOnThisDay(open) {  // open(id, items): the viewer over the strip's photos
  const strip = $("#on-this-day");
  strip.hidden = true;
  const answer = await api(`/api/on-this-day?date=${today()}&limit=30`).catch(() => null);
  if (!answer || !answer.items.length || $("#q").value) return;
  const photos = answer.items.map((item) => el("figure", { class: "memory", tabindex: "0", "data-id": item.id, "data-year": String(item.year),
    onclick: () => open(item.id, answer.items), onkeydown: (event) => { if (event.key === "Enter") open(item.id, answer.items); } },
  el("img", { src: item.thumb, alt: item.path.split("/").pop(), loading: "lazy" }),
  el("figcaption", { text: `${yearsAgo(item.years_ago)} · ${item.year}` })));
  const years = new Set(answer.items.map((item) => item.year)).size;
  $("#on-this-day-title").textContent = `On this day · ${count(answer.total, "photo")} from ${count(years, "earlier year")}`;
  $("#on-this-day-strip").replaceChildren(...photos);
  strip.hidden = false;
}
