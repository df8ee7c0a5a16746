// Comfort for organisers; every form also works without this file.
"use strict";

// What this script says, in the page's language: from the catalogue, through <body data-messages>
// (see script_messages in web/templating.py). "%(name)s" stands for a value.
const messages = JSON.parse(document.body.dataset.messages || "{}");
const say = (key, values = {}) =>
  (messages[key] || key).replace(/%\((\w+)\)s/g, (_, name) => values[name] ?? "");

// Type-ahead: as the organiser types a name, the matching people appear as buttons of the add form.
document.querySelectorAll("input[data-typeahead]").forEach((input) => {
  const target = document.getElementById(input.getAttribute("aria-controls"));
  const create = document.getElementById("create-person");
  let timer;
  let latest = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const query = input.value.trim();
      const ticket = ++latest;
      if (!query) { target.innerHTML = ""; if (create) create.hidden = true; return; }
      const response = await fetch(`${input.dataset.typeahead}?q=${encodeURIComponent(query)}`, { credentials: "same-origin" });
      if (ticket !== latest || !response.ok) return; // an older answer, or a failure: keep what is shown
      target.innerHTML = await response.text();
      if (create) {
        create.hidden = false;
        const words = query.split(/\s+/).map((word) => word.charAt(0).toUpperCase() + word.slice(1));
        const given = document.getElementById("given_name");
        const family = document.getElementById("family_name");
        if (given && family) { family.value = words.pop(); given.value = words.join(" "); }
      }
    }, 150);
  });
});

// Uploads: drag and drop onto the form, and a progress bar per file (one request per file).
document.querySelectorAll("form[data-upload]").forEach((form) => {
  const input = form.querySelector("input[type=file]");
  const list = form.querySelector(".upload-progress");
  const token = form.querySelector("input[name=_csrf_token]");

  form.addEventListener("dragover", (event) => { event.preventDefault(); form.classList.add("dragging"); });
  form.addEventListener("dragleave", () => form.classList.remove("dragging"));
  form.addEventListener("drop", (event) => {
    event.preventDefault();
    form.classList.remove("dragging");
    input.files = event.dataTransfer.files;
  });

  const sendOne = (file) => new Promise((resolve) => {
    const item = document.createElement("li");
    const label = document.createElement("span");
    const bar = document.createElement("progress");
    label.textContent = `${file.name} `;
    bar.max = file.size || 1;
    bar.value = 0;
    bar.setAttribute("aria-label", say("uploading_file", { name: file.name }));
    item.append(label, bar);
    list.append(item);
    const body = new FormData();
    for (const field of form.querySelectorAll("input:not([type=file]), select")) body.append(field.name, field.value);
    body.append(input.name, file);
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    if (token) request.setRequestHeader("X-CSRFToken", token.value);
    request.upload.addEventListener("progress", (event) => { bar.value = event.loaded; });
    request.addEventListener("load", () => {
      let answer = {};
      try { answer = JSON.parse(request.responseText); } catch { /* an error page */ }
      const ok = request.status < 300 && !answer.error;
      item.append(document.createTextNode(` ${ok ? say("uploaded") : say("not_uploaded", { reason: answer.error || request.statusText })}`));
      item.className = ok ? "done" : "failed";
      resolve({ ok, next: answer.next });
    });
    request.addEventListener("error", () => { item.append(document.createTextNode(` ${say("network_failure")}`)); resolve({ ok: false }); });
    request.send(body);
  });

  form.addEventListener("submit", async (event) => {
    if (!input.files.length) return; // let the server say what is missing
    event.preventDefault();
    const results = [];
    for (const file of input.files) results.push(await sendOne(file));
    if (results.every((result) => result.ok)) window.location.reload();
  });
});

// Directory lists: the results follow what staff type and choose, without pressing Search.
document.querySelectorAll("form[data-live-search]").forEach((form) => {
  const target = document.getElementById(form.dataset.liveSearch);
  let timer;
  let latest = 0;
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const url = `${form.action}?${new URLSearchParams(new FormData(form))}`;
      const ticket = ++latest;
      const response = await fetch(url, { credentials: "same-origin" });
      if (ticket !== latest || !response.ok) return; // an older answer, or a failure: keep what is shown
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById(target.id);
      if (fresh) { target.innerHTML = fresh.innerHTML; history.replaceState(null, "", url); }
    }, 150);
  };
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
});

// Directory import: one request with a progress bar, then the preview page. Without this file the form
// posts as usual and the answer is the preview itself.
document.querySelectorAll("form[data-import]").forEach((form) => {
  const input = form.querySelector("input[type=file]");
  const bar = form.querySelector("progress");
  const status = form.querySelector("[data-import-status]");
  const token = form.querySelector("input[name=_csrf_token]");
  form.addEventListener("submit", (event) => {
    if (!input.files.length) return; // let the server say what is missing
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    if (token) request.setRequestHeader("X-CSRFToken", token.value);
    bar.hidden = false;
    bar.value = 0;
    status.textContent = say("uploading");
    request.upload.addEventListener("progress", (progress) => {
      if (progress.lengthComputable) { bar.max = progress.total; bar.value = progress.loaded; }
    });
    request.upload.addEventListener("load", () => { status.textContent = say("checking_rows"); });
    request.addEventListener("load", () => {
      let answer = {};
      try { answer = JSON.parse(request.responseText); } catch { /* an error page */ }
      if (request.status < 300 && answer.next) { window.location.assign(answer.next); return; }
      bar.hidden = true;
      status.textContent = say("not_imported", { reason: answer.error || request.statusText });
    });
    request.addEventListener("error", () => {
      bar.hidden = true;
      status.textContent = say("upload_network_failure");
    });
    request.send(new FormData(form));
  });
});

// A link shown once is selected whole when focused, ready to copy (a script: inline handlers are refused).
document.querySelectorAll("input.copy-field").forEach((field) => {
  field.addEventListener("focus", () => field.select());
});
