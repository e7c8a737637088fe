// The timeline grid at 100k photos: a month far from the screen gives its tiles up for a placeholder of the same
// height and takes them back as it comes near, so the page holds a few screens of tiles however far she scrolls.
// Given-up tiles are kept as they are (marks, selection, listeners); tilesOf and allTiles see them too.

const SCREENS = 3;  // screens above and below kept whole
const stash = new Map();  // a month's header -> { tiles, placeholder }
let pending = false;

export function tilesOf(id) {
  const found = [...document.querySelectorAll(`.tile[data-id="${id}"]`)];
  for (const { tiles } of stash.values()) found.push(...tiles.filter((tile) => tile.dataset.id === id));
  return found;
}

export function allTiles() {  // every tile of the grid in its order, given up or not
  const tiles = [];
  for (const node of document.querySelector("#grid").children) {
    if (node.classList.contains("tile")) tiles.push(node);
    else if (node.classList.contains("month-gap")) tiles.push(...node.held);
  }
  return tiles;
}

export function forgetTiles() { stash.clear(); }  // the grid was emptied

export function restoreAll() {
  for (const [header, held] of stash) { held.placeholder.replaceWith(...held.tiles); stash.delete(header); }
}

export function keepNear() {  // at most once a frame
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; settle(); });
}

function top(node) { return node.getBoundingClientRect().top + window.scrollY; }

function settle() {
  const headers = [...document.querySelectorAll("#grid h2.month")];
  const low = window.scrollY - SCREENS * window.innerHeight, high = window.scrollY + (SCREENS + 1) * window.innerHeight;
  headers.forEach((header, i) => {
    const next = headers[i + 1];
    if (!next) return;  // the last month is where the next page goes
    const near = top(next) >= low && top(header) <= high;
    const held = stash.get(header);
    if (near && held) { held.placeholder.replaceWith(...held.tiles); stash.delete(header); } else if (!near && !held) giveUp(header, next);
  });
}

function giveUp(header, next) {
  const tiles = [];
  for (let node = header.nextElementSibling; node && node !== next; node = node.nextElementSibling) if (node.classList.contains("tile")) tiles.push(node);
  if (!tiles.length) return;
  const gap = parseFloat(getComputedStyle(document.querySelector("#grid")).rowGap) || 0;
  const height = top(next) - top(tiles[0]) - gap - (parseFloat(getComputedStyle(next).marginTop) || 0);  // the scroll stays put
  const placeholder = document.createElement("div");
  placeholder.className = "month-gap";
  placeholder.style.height = `${Math.max(0, height)}px`;
  placeholder.held = tiles;
  tiles[0].before(placeholder);
  tiles.forEach((tile) => tile.remove());
  stash.set(header, { tiles, placeholder });
}

window.addEventListener("scroll", keepNear, { passive: true });
window.addEventListener("resize", () => { restoreAll(); keepNear(); });
