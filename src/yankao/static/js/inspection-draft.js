// The on-site inspection form keeps every change: in this device's storage at once, and on the
// server (the draft, with its revision) a moment later. Offline, the device copy waits and is
// sent when the connection is back; reloading the page restores what was typed.
(function () {
  "use strict";
  var form = document.getElementById("inspection-form");
  if (!form) { return; }
  var status = document.getElementById("draft-status");
  var key = form.dataset.draftKey;
  var revision = form.dataset.revision;
  var timer = null;

  function values() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken") { return; }
      if (el.type === "checkbox") { if (el.checked) { data[el.name] = "on"; } }
      else { data[el.name] = el.value; }
    });
    return data;
  }

  function restore() {
    var saved;
    try { saved = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    if (!saved || saved.revision !== revision) { return; }
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken") { return; }
      if (el.type === "checkbox") { el.checked = saved.data[el.name] === "on"; }
      else if (Object.prototype.hasOwnProperty.call(saved.data, el.name)) { el.value = saved.data[el.name]; }
    });
  }

  function show(text) { if (status) { status.textContent = text; } }

  function send() {
    var data = values();
    var body = new FormData();
    Object.keys(data).forEach(function (name) { body.append(name, data[name]); });
    body.append("revision", revision);
    body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    fetch(form.dataset.draftUrl, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 409) { show(form.dataset.staleText); return null; }
        return response.ok ? response.json() : null;
      })
      .then(function (json) {
        if (!json) { return; }
        revision = String(json.revision);
        window.localStorage.setItem(key, JSON.stringify({ revision: revision, data: data }));
        show(form.dataset.savedText + " " + json.saved_at);
      })
      .catch(function () { show(form.dataset.offlineText); });
  }

  function changed() {
    window.localStorage.setItem(key, JSON.stringify({ revision: revision, data: values() }));
    window.clearTimeout(timer);
    timer = window.setTimeout(send, 800);
  }

  // More defect rows than the page started with: copy the last row with the next number.
  var addRow = document.getElementById("add-defect-row");
  function addDefectRow() {
    var rows = form.querySelectorAll(".defect-row");
    var last = rows[rows.length - 1];
    var n = rows.length + 1;
    var copy = last.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll("[id],[name],[for]"), function (el) {
      ["id", "name", "for"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(/^(d|defect-)\d+/, "$1" + n)); }
      });
      if (el.tagName === "INPUT") { el.value = ""; }
      if (el.tagName === "SELECT") { el.selectedIndex = 0; }
    });
    var label = copy.querySelector("label");
    if (label) { label.textContent = label.textContent.replace(/\d+/, String(n)); }
    last.parentNode.insertBefore(copy, last.nextSibling);
    return copy;
  }
  if (addRow) {
    addRow.hidden = false;
    addRow.addEventListener("click", function () {
      var row = addDefectRow();
      var first = row.querySelector("input");
      if (first) { first.focus(); }
    });
  }

  function ensureRows() {
    // A restored device copy may hold more rows than the page has.
    var saved;
    try { saved = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    if (!saved || saved.revision !== revision) { return; }
    var most = 0;
    Object.keys(saved.data).forEach(function (name) {
      var m = /^defect-(\d+)-/.exec(name);
      if (m && saved.data[name]) { most = Math.max(most, Number(m[1])); }
    });
    while (form.querySelectorAll(".defect-row").length < most) { addDefectRow(); }
  }

  ensureRows();
  restore();
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  window.addEventListener("online", send);
  form.addEventListener("submit", function () { window.localStorage.removeItem(key); });
})();
