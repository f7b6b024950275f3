// The review screen, driven by the keyboard: Tab goes to the next
// uncertain field, Enter confirms a field, typing corrects it, Ctrl+Enter
// saves (PATCH /api/v1/documents/{id}/fields), verifies the document and
// opens the next one. Values are checked while typing; the server's
// validators decide.
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form) return;
  var csrf = document.body.getAttribute("data-csrf") || "";
  var msg = document.getElementById("review-msg");
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[name]"));
  var uncertain = inputs.filter(function (i) { return i.dataset.uncertain; });
  var confirmed = {};
  var lastEnter = 0; // a plain Enter confirms; it must not also submit the form

  var check = function (input) {
    var v = input.value.trim(), bad = "";
    if (v !== "" && input.dataset.validate === "cccd" && !/^\d{12}(;\s*\d{12})*$/.test(v)) bad = form.dataset.badCccd;
    if (v !== "" && input.dataset.validate === "date" && !/^\d{4}-\d{2}-\d{2}$/.test(v)) bad = form.dataset.badDate;
    input.setCustomValidity(bad);
    input.setAttribute("aria-invalid", bad ? "true" : "false");
    return !bad;
  };
  var next = function (from) {
    var list = uncertain.indexOf(from) >= 0 ? uncertain : inputs;
    var target = list[list.indexOf(from) + 1] || document.getElementById("review-save");
    target.focus();
    if (target.select) target.select();
  };
  var save = function () {
    if (!inputs.every(check)) { form.reportValidity(); return; }
    var fields = {};
    inputs.forEach(function (i) {
      if (i.value === i.dataset.orig && !confirmed[i.name]) return;
      var v = i.value.trim();
      fields[i.name] = i.dataset.list ? { values: v.split(/\s*;\s*/).filter(Boolean) } : { value: v };
    });
    msg.textContent = "";
    fetch("/api/v1/documents/" + form.dataset.doc + "/fields", {
      method: "PATCH",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept-Language": document.documentElement.lang || "vi" },
      body: JSON.stringify({ fields: fields, verified: true, version: Number(form.dataset.version) })
    }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error((body.error && body.error.message) || r.status);
        window.location.assign(form.dataset.next);
      });
    }).catch(function (e) { msg.textContent = e.message; });
  };

  inputs.forEach(function (input) {
    input.addEventListener("input", function () { check(input); delete confirmed[input.name]; });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        return; // the form's handler saves
      } else if (e.key === "Enter") {
        e.preventDefault();
        lastEnter = Date.now();
        if (check(input)) {
          confirmed[input.name] = true;
          input.closest(".review-field").classList.add("confirmed");
          next(input);
        }
      } else if (e.key === "Tab" && !e.shiftKey && input.dataset.uncertain && input !== uncertain[uncertain.length - 1]) {
        e.preventDefault();
        next(input);
      }
    });
  });
  // Ctrl+Enter saves from anywhere in the form (a field or the button).
  form.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      lastEnter = Date.now();
      save();
    }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (Date.now() - lastEnter > 300) save();
  });
  var first = uncertain[0] || inputs[0];
  if (first) { first.focus(); first.select(); }
})();
