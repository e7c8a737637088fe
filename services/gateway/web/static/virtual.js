// The grid at 100k photos (the timeline and search results alike): a run of tiles far from the screen gives its tiles
// up for a placeholder of the same height and takes them back as it comes near, so the page holds a few screens of
// tiles however far she scrolls. A run is a month's tiles on the timeline, else (search results) ROWS whole rows.
// Given-up tiles are kept as they are (marks, selection, listeners) in their placeholder; tilesOf and allTiles see
// them too.

const SCREENS = 3;  // screens above and below kept whole
const ROWS = 8;  // rows of a run where there are no months
let pending = false;

function gaps() { return [...document.querySelectorAll("#grid .tiles-gap")]; }

export function tilesOf(id) {
  const found = [...document.querySelectorAll(`.tile[data-id="${id}"]`)];
  for (const gap of gaps()) found.push(...gap.held.filter((tile) => tile.dataset.id === id));
  return found;
}

export function allTiles() {  // every tile of the grid in its order, given up or not
  const tiles = [];
  for (const node of document.querySelector("#grid").children) {
    if (node.classList.contains("tile")) tiles.push(node);
    else if (node.classList.contains("tiles-gap")) tiles.push(...node.held);
  }
  return tiles;
}

export function restoreAll() { for (const gap of gaps()) gap.replaceWith(...gap.held); }

export function keepNear() {  // at most once a frame
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; settle(); });
}

function top(node) { return node.getBoundingClientRect().top + window.scrollY; }

function runs(grid) {  // the grid's runs: each a placeholder alone, or its tiles in a row; a month's header ends one
  const columns = getComputedStyle(grid).gridTemplateColumns.split(" ").length;
  const size = grid.querySelector("h2.month") ? Infinity : ROWS * columns;  // whole rows: a placeholder spans them
  const found = [];
  let run = null, tiles = 0;
  for (const node of grid.children) {
    if (node.classList.contains("tiles-gap")) { found.push([node]); run = null; tiles += node.held.length; }
    else if (node.classList.contains("tile")) {
      if (!run || tiles % size === 0) found.push(run = []);
      run.push(node);
      tiles += 1;
    } else run = null;
  }
  return found;
}

function settle() {
  const grid = document.querySelector("#grid");
  const low = window.scrollY - SCREENS * window.innerHeight, high = window.scrollY + (SCREENS + 1) * window.innerHeight;
  for (const run of runs(grid)) {
    const next = run[run.length - 1].nextElementSibling;
    if (!next) continue;  // the last run is where the next page goes
    const near = top(next) >= low && top(run[0]) <= high;
    const held = run[0].classList.contains("tiles-gap");
    if (near && held) run[0].replaceWith(...run[0].held); else if (!near && !held) giveUp(run, next, grid);
  }
}

function giveUp(tiles, next, grid) {
  const gap = parseFloat(getComputedStyle(grid).rowGap) || 0;
  const height = top(next) - top(tiles[0]) - gap - (parseFloat(getComputedStyle(next).marginTop) || 0);  // the scroll stays put
  const placeholder = document.createElement("div");
  placeholder.className = "tiles-gap";
  placeholder.style.height = `${Math.max(0, height)}px`;
  placeholder.held = tiles;
  tiles[0].before(placeholder);
  tiles.forEach((tile) => tile.remove());
}

window.addEventListener("scroll", keepNear, { passive: true });
window.addEventListener("resize", () => { restoreAll(); keepNear(); });
