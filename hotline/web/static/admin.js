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
// Live segment counter: <textarea data-segments="out-id"> writes its GSM-7 / UCS-2 count into
// #out-id, using the alphabet and the words the server put on that element.
(function () {
  "use strict";
  function count(text, basic, extended) {
    var units = 0, gsm = true, forcedBy = null;
    for (var ch of text) {
      if (basic.indexOf(ch) < 0 && extended.indexOf(ch) < 0) { gsm = false; forcedBy = ch; break; }
    }
    for (var c of text) {
      if (gsm) { units += extended.indexOf(c) >= 0 ? 2 : 1; } else { units += c.codePointAt(0) > 0xffff ? 2 : 1; }
    }
    var single = gsm ? 160 : 70, part = gsm ? 153 : 67;
    var segments = units === 0 ? 0 : (units <= single ? 1 : Math.ceil(units / part));
    return { units: units, segments: segments, forcedBy: forcedBy };
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) { return key in values ? String(values[key]) : whole; });
  }
  function update(area) {
    var out = document.getElementById(area.dataset.segments);
    if (!out) { return; }
    var result = count(area.value, out.dataset.gsm, out.dataset.gsmExt);
    var values = { chars: result.units, segments: result.segments, "char": result.forcedBy || "" };
    var text = fill(result.forcedBy ? out.dataset.textUcs : out.dataset.textGsm, values);
    var form = area.form, target = form && form.querySelector("select[name=target]");
    if (out.dataset.textCost && target && target.selectedOptions.length) {
      var members = parseInt(target.selectedOptions[0].dataset.members || "0", 10);
      var cost = members * result.segments * parseFloat(form.dataset.price || "0");
      text += " · " + fill(out.dataset.textCost, { members: members, segments: result.segments * members, cost: cost.toFixed(2) });
    }
    out.textContent = text;
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-segments]").forEach(function (area) {
      area.addEventListener("input", function () { update(area); });
      if (area.form) { area.form.addEventListener("change", function () { update(area); }); }
      update(area);
    });
  });
})();
