// The review screen highlights, on the page image, the words of the field
// that has the focus: each field input carries data-boxes, "page:x,y,w,h"
// per word in thousandths of the page, separated by ";".
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form) return;
  var clear = function () {
    Array.prototype.forEach.call(document.querySelectorAll(".word-box"), function (b) { b.remove(); });
  };
  var show = function (input) {
    clear();
    var spec = input.dataset.boxes;
    if (!spec) return;
    var first = null;
    spec.split(";").forEach(function (part) {
      var m = /^(\d+):(\d+),(\d+),(\d+),(\d+)$/.exec(part);
      if (!m) return;
      var frame = document.querySelector('figure[data-page="' + m[1] + '"] .page-frame');
      if (!frame) return;
      var box = document.createElement("span");
      box.className = "word-box";
      box.dataset.field = input.name;
      box.style.left = m[2] / 10 + "%";
      box.style.top = m[3] / 10 + "%";
      box.style.width = m[4] / 10 + "%";
      box.style.height = m[5] / 10 + "%";
      frame.appendChild(box);
      if (!first) first = box;
    });
    if (first && first.scrollIntoView) first.scrollIntoView({ block: "nearest" });
  };
  form.addEventListener("focusin", function (e) {
    if (e.target.matches && e.target.matches("input[name]")) show(e.target);
  });
  if (document.activeElement && document.activeElement.form === form) show(document.activeElement);
})();
