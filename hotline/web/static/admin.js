// Hotline dashboard: refresh marked parts of a page in place. No framework, no build step.
// <div data-refresh="/admin/cases/rows" data-every="5"> is replaced by what that URL renders.
(function () {
  "use strict";
  function refresh(el) {
    if (document.hidden) { return; }
    fetch(el.dataset.refresh, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); return null; }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html !== null && html !== el.innerHTML) { el.innerHTML = html; }
      })
      .catch(function () { /* offline for a moment: try again next time */ });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-refresh]").forEach(function (el) {
      var seconds = Math.max(2, parseInt(el.dataset.every || "5", 10));
      window.setInterval(function () { refresh(el); }, seconds * 1000);
    });
  });
})();
