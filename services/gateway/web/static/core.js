// The gallery's shared helpers: the shared state, making elements, the JSON API with the CSRF token, the message line.
export const $ = (selector) => document.querySelector(selector);
export const state = { csrf: "", user: null, cursor: null, query: "", loading: false, done: false, share: null, view: "grid", lastMonth: null };

export function el(tag, props = {}, ...children) {
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

export async function api(path, options = {}) {
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

export function count(n, noun) { return `${n} ${noun}${n === 1 ? "" : "s"}`; }

export function say(text, isError = false) {  // the message line: red only for errors
  $("#message").textContent = text;
  $("#message").classList.toggle("error", isError);
}

export function showLogin() { $("#app").hidden = true; $("#login").hidden = false; }

export function load(tag, props) {  // a vendored script or style from /static
  return new Promise((resolve, reject) => document.head.append(el(tag, { ...props, onload: resolve,
    onerror: () => reject(new Error("the gallery's libraries are missing: run `picsift models build`")) })));
}
