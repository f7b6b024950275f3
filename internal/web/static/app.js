// sohoa web interface: drag-and-drop upload of files and folders, live
// batch progress over server-sent events, dashboard refresh. Pages work
// without it (plain forms), except folder drops and live updates.
(function () {
  "use strict";
  var csrf = document.body.getAttribute("data-csrf") || "";

  // ---- Upload -------------------------------------------------------
  var form = document.getElementById("upload-form");
  if (form) {
    var chosen = []; // {file, path}
    var list = document.getElementById("file-list");
    var none = document.getElementById("file-none");
    var zone = document.getElementById("dropzone");
    var msgs = document.getElementById("upload-msgs").content.firstElementChild;
    var status = document.getElementById("upload-status");
    var bar = document.getElementById("upload-progress");
    var submit = document.getElementById("upload-submit");

    var render = function () {
      list.textContent = "";
      none.hidden = chosen.length > 0;
      chosen.forEach(function (c) {
        var li = document.createElement("li");
        var name = document.createElement("span");
        name.textContent = c.path;
        var size = document.createElement("span");
        size.textContent = (c.file.size / 1048576).toFixed(2) + " MiB";
        li.appendChild(name);
        li.appendChild(size);
        list.appendChild(li);
      });
    };
    var addFiles = function (files) {
      for (var i = 0; i < files.length; i++) {
        var f = files[i];
        chosen.push({ file: f, path: f.webkitRelativePath || f.name });
      }
      render();
    };
    // Walks a dropped directory entry, adding every file with its path.
    var walk = function (entry, done) {
      if (entry.isFile) {
        entry.file(function (f) { chosen.push({ file: f, path: entry.fullPath.replace(/^\//, "") }); done(); }, done);
        return;
      }
      var reader = entry.createReader();
      var pending = 0, finished = false;
      var check = function () { if (finished && pending === 0) { done(); } };
      var more = function () {
        reader.readEntries(function (entries) {
          if (!entries.length) { finished = true; check(); return; }
          entries.forEach(function (e) { pending++; walk(e, function () { pending--; check(); }); });
          more();
        }, function () { finished = true; check(); });
      };
      more();
    };
    ["dragenter", "dragover"].forEach(function (t) {
      zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      zone.addEventListener(t, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      var items = e.dataTransfer.items;
      if (items && items.length && items[0].webkitGetAsEntry) {
        var entries = [];
        for (var i = 0; i < items.length; i++) {
          var en = items[i].webkitGetAsEntry();
          if (en) { entries.push(en); }
        }
        var left = entries.length;
        entries.forEach(function (en) { walk(en, function () { if (--left === 0) { render(); } }); });
      } else {
        addFiles(e.dataTransfer.files);
      }
    });
    zone.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); document.getElementById("files").click(); }
    });
    document.getElementById("files").addEventListener("change", function (e) { addFiles(e.target.files); e.target.value = ""; });
    document.getElementById("folder").addEventListener("change", function (e) { addFiles(e.target.files); e.target.value = ""; });

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!chosen.length) { status.textContent = none.textContent; return; }
      var fd = new FormData();
      ["pipeline", "fonds", "dossier", "retention", "note"].forEach(function (n) { fd.append(n, form.elements[n].value); });
      chosen.forEach(function (c) { fd.append("file", c.file, c.path); });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/upload");
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      bar.hidden = false;
      submit.disabled = true;
      status.textContent = msgs.getAttribute("data-sending");
      xhr.upload.addEventListener("progress", function (ev) {
        if (ev.lengthComputable) { bar.value = Math.round(100 * ev.loaded / ev.total); }
      });
      xhr.addEventListener("load", function () {
        if (xhr.status >= 200 && xhr.status < 300) {
          try { window.location.assign(JSON.parse(xhr.responseText).url); return; } catch (err) { /* fall through */ }
        }
        submit.disabled = false;
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var msg = doc.querySelector("[role=alert]");
        status.textContent = msgs.getAttribute("data-failed") + (msg ? ": " + msg.textContent : " (" + xhr.status + ")");
      });
      xhr.addEventListener("error", function () {
        submit.disabled = false;
        status.textContent = msgs.getAttribute("data-failed");
      });
      xhr.send(fd);
    });
  }

  // ---- Live progress ------------------------------------------------
  var setText = function (root, field, text) {
    var el = root.querySelector("[data-field=" + field + "]");
    if (el && el.textContent !== String(text)) { el.textContent = text; }
    return el;
  };
  var setStatus = function (el, status) {
    if (!el) { return; }
    el.className = el.className.replace(/\bs-[a-z_]+/g, "") + " s-" + status;
  };
  var live = document.querySelector("[data-sse]");
  if (live && window.EventSource) {
    var es = new EventSource(live.getAttribute("data-sse"));
    var single = live.id === "batch";
    var wasFinished = false;
    es.addEventListener("batch", function (ev) {
      var data = JSON.parse(ev.data);
      if (single) {
        var s = document.getElementById("batch-status");
        s.textContent = data.status_text;
        setStatus(s, data.status);
        var b = document.getElementById("batch-pages-bar");
        b.max = Math.max(data.pages_total, 1);
        b.value = data.pages_done;
        document.getElementById("batch-pages").textContent = document.getElementById("batch-pages").textContent.replace(/\d+\/\d+/, data.pages_done + "/" + data.pages_total);
        document.getElementById("batch-docs").textContent = document.getElementById("batch-docs").textContent.replace(/\d+\/\d+/, data.docs_done + "/" + data.docs);
        (data.documents || []).forEach(function (d) {
          var row = document.querySelector("tr[data-doc='" + d.id + "']");
          if (!row) { return; }
          setStatus(setText(row, "status", data.doc_status_text[d.status] || d.status), d.status);
          setText(row, "pages", d.pages_done + "/" + d.pages);
          if (d.error) { setText(row, "error", d.error); }
        });
        wasFinished = data.finished;
      } else {
        data.forEach(function (b) {
          var row = document.querySelector("tr[data-batch='" + b.id + "']");
          if (!row) { return; }
          setStatus(setText(row, "status_text", b.status_text), b.status);
          setText(row, "docs", b.docs_done + "/" + b.docs);
          setText(row, "pages", b.pages_done + "/" + b.pages_total);
          var bar = row.querySelector("[data-field=pages_bar]");
          bar.max = Math.max(b.pages_total, 1);
          bar.value = b.pages_done;
        });
      }
    });
    es.addEventListener("done", function () {
      es.close();
      // Show the final state with its retry button and reasons.
      if (single && wasFinished) { window.location.reload(); }
    });
  }

  // ---- Dashboard refresh ---------------------------------------------
  var ops = document.getElementById("ops");
  if (ops) {
    var every = parseInt(ops.getAttribute("data-refresh"), 10) || 5;
    window.setTimeout(function () {
      if (!document.hidden) { window.location.reload(); }
    }, every * 1000);
  }
})();
