/* The evaluation pages — enhancement only: a scoring job's page follows its progress
   without being reloaded (the page's "Actualiser" link does the same without this file).
   The status region is polite: a screen reader hears the new state, the focus stays. */
(function () {
  "use strict";
  var box = document.getElementById("job-status");
  if (!box || !window.fetch || !window.DOMParser) { return; }
  var every = 2000;

  function poll() {
    var url = box.getAttribute("data-refresh-url");
    if (!url) { return; }
    fetch(url, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("job-status");
        if (!fresh) { return; }
        if (fresh.getAttribute("data-job-state") !== box.getAttribute("data-job-state")) {
          box.innerHTML = fresh.innerHTML;  // the state changed: say so
        } else {  // only the progress moved: update the bar and its figure quietly
          var bar = box.querySelector("progress");
          var next = fresh.querySelector("progress");
          if (bar && next) { bar.value = next.value; bar.textContent = next.textContent; }
          var figure = box.querySelector(".job-percent");
          var nextFigure = fresh.querySelector(".job-percent");
          if (figure && nextFigure) { figure.textContent = nextFigure.textContent; }
        }
        box.setAttribute("data-job-state", fresh.getAttribute("data-job-state"));
        if (fresh.hasAttribute("data-refresh-url")) { window.setTimeout(poll, every); }
        else { box.removeAttribute("data-refresh-url"); }
      })
      .catch(function () { window.setTimeout(poll, every * 3); });
  }

  if (box.hasAttribute("data-refresh-url")) { window.setTimeout(poll, every); }
}());
