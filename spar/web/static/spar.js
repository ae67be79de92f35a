/* spar — enhancements only: every page works without this file.
   - the error summary of a refused form takes the focus, so it is read first;
   - a signed-in person is warned a few minutes before an idle session closes, and can
     stay signed in without leaving the page;
   - a table wider than the screen scrolls sideways, and can then take the focus, so
     that the keyboard scrolls it too. */
(function () {
  "use strict";

  function focusErrorSummary() {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) { summary.focus(); }
  }

  function watchSession() {
    var box = document.getElementById("session-status");
    if (!box || !window.fetch) { return; }
    var form = box.querySelector("form");
    var text = box.querySelector(".session-text");
    var warnMs = parseInt(box.getAttribute("data-warn-seconds"), 10) * 1000;
    var expiresAt = Date.parse(box.getAttribute("data-expires-at"));
    var lang = document.documentElement.lang;
    var words = lang === "en" ? {
      soon: function (m) { return "Your session will close in " + m + " minute" + (m > 1 ? "s" : "") + " without activity."; },
      ended: "Your session has closed. Sign in again to go on."
    } : {
      soon: function (m) { return "Sans activité, votre session se fermera dans " + m + " minute" + (m > 1 ? "s" : "") + "."; },
      ended: "Votre session est fermée. Connectez-vous de nouveau pour continuer."
    };
    var warned = false;
    box.setAttribute("aria-live", "polite");

    function tick() {
      var left = expiresAt - Date.now();
      if (left <= 0) {
        text.textContent = words.ended;
        box.classList.add("warning");
        var button = form.querySelector("button");
        if (button) { button.hidden = true; }
        return;
      }
      if (left <= warnMs) {
        var minutes = Math.max(1, Math.ceil(left / 60000));
        text.textContent = words.soon(minutes);
        if (!warned) { box.classList.add("warning"); warned = true; }
      }
      window.setTimeout(tick, Math.min(30000, Math.max(1000, left - warnMs)));
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: {"Accept": "application/json"}
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (data) {
        expiresAt = Date.parse(data.expires_at);
        warned = false;
        box.classList.remove("warning");
        text.textContent = data.message;
        tick();
      }).catch(function () { form.submit(); });
    });
    tick();
  }

  function scrollableTables() {
    var wraps = document.querySelectorAll(".table-wrap");
    for (var i = 0; i < wraps.length; i++) {
      var wrap = wraps[i];
      var caption = wrap.querySelector("caption");
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : "Tableau");
      } else if (wrap.getAttribute("tabindex") === "0") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    watchSession();
    scrollableTables();
    window.addEventListener("resize", scrollableTables);
  });
}());
