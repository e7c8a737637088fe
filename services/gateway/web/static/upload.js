// Upload from the browser into a folder of her own media folder: one request per file, with its progress; the server
// streams it to disk, checks its kind and size, and hands it to ingest.
import { $, count, el, say, state } from "/static/core.js";

const upload = { settings: null, done: 0 };

export async function openUpload(settings) {
  upload.settings = settings;
  const roots = settings.roots;
  $("#upload-root").replaceChildren(...roots.map((root, i) => el("option", { value: String(i), text: root })));
  $("#upload-root-label").hidden = roots.length < 2;
  $("#upload-files").setAttribute("accept", settings.extensions.join(","));
  $("#upload-limit").textContent = `Up to ${settings.max_mb} MB a photo: JPEG, PNG, HEIC, WebP, TIFF, camera raws and the other kinds picsift reads.`;
  $("#upload-list").replaceChildren();
  $("#upload-dialog").showModal();
}

function send(file, root, folder, row) {  // XMLHttpRequest: fetch cannot tell how much of a body went out
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    const body = new FormData();
    body.append("file", file, file.name);
    request.open("POST", `/api/uploads?root=${root}&folder=${encodeURIComponent(folder)}`);
    request.setRequestHeader("X-CSRF-Token", state.csrf);
    request.upload.onprogress = (event) => { if (event.lengthComputable) row.dataset.progress = String(Math.round(100 * event.loaded / event.total)); row.querySelector(".state").textContent = `${row.dataset.progress}%`; };
    request.onload = () => {
      let answer = {};
      try { answer = JSON.parse(request.responseText); } catch { answer = { error: request.statusText }; }
      resolve(request.status === 201 ? { file: answer.files[0] } : { error: answer.error || request.statusText });
    };
    request.onerror = () => resolve({ error: "the connection broke off" });
    request.send(body);
  });
}

$("#upload-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const files = [...$("#upload-files").files], root = $("#upload-root").value || "0", folder = $("#upload-folder").value.trim();
  const limit = upload.settings.max_mb * 2 ** 20;
  let saved = 0;
  $("#upload-start").disabled = true;
  for (const file of files) {
    const row = el("li", { "data-name": file.name }, el("span", { text: `${file.name} ` }), el("span", { class: "state", text: "waiting" }));
    $("#upload-list").append(row);
    const result = file.size > limit ? { error: `'${file.name}' is larger than the upload limit of ${upload.settings.max_mb} MB` }
      : await send(file, root, folder, row);
    row.classList.add(result.error ? "failed" : "saved");
    row.querySelector(".state").textContent = result.error ? result.error
      : `saved as ${result.file.path.split("/").slice(-2).join("/")} · ${result.file.indexing.outcome === "queued" ? "to be indexed" : result.file.indexing.outcome}`;
    if (!result.error) saved += 1;
  }
  $("#upload-start").disabled = false;
  $("#upload-files").value = "";
  say(`${count(saved, "photo")} of ${files.length} uploaded`, saved < files.length);
  upload.done += saved;
});

$("#upload-close").addEventListener("click", () => $("#upload-dialog").close());

export function uploadedSince() {  // how many went in since the dialog was last closed, once
  const done = upload.done;
  upload.done = 0;
  return done;
}
