// The rubric editor's progressive enhancement: add/remove/move criteria and levels, search
// competences, hints while typing (the server applies the same rules), and a live preview.
// Without this file the page still works: the formsets on the server are the truth.
(function () {
  "use strict";
  var form = document.querySelector("form[data-editor]");
  if (!form) return;
  document.documentElement.classList.add("js");
  form.querySelectorAll("[hidden].js-only").forEach(function (el) { el.hidden = false; });
  var list = form.querySelector("[data-criterion-list]");
  var total = form.querySelector("input[name=criteria-TOTAL_FORMS]");
  var msg = JSON.parse(document.getElementById("editor-messages").textContent);

  function cloneTemplate(tpl, pattern, index) {
    var html = tpl.innerHTML.replace(pattern, function (m) { return m.replace("__prefix__", index); });
    var holder = document.createElement("div");
    holder.innerHTML = html;
    holder.querySelectorAll("[hidden].js-only").forEach(function (el) { el.hidden = false; });
    return holder.firstElementChild;
  }
  function cards() {
    return Array.prototype.filter.call(list.querySelectorAll("[data-criterion]"), function (c) {
      return !c.hidden;
    });
  }
  function renumber() {
    cards().forEach(function (card, n) {
      var order = card.querySelector("input[name$='-ORDER']");
      if (order) order.value = n + 1;
    });
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[type=button]");
    if (!button) return;
    var card = button.closest("[data-criterion]");
    if (button.hasAttribute("data-add-criterion")) {
      var index = parseInt(total.value, 10);
      var tpl = form.querySelector("template[data-criterion-template]");
      var fresh = cloneTemplate(tpl, /criteria-__prefix__/g, index);
      fresh.setAttribute("data-testid", "criterion-" + index);
      list.appendChild(fresh);
      total.value = index + 1;
      renumber();
      fresh.querySelector("input[name$='-title']").focus();
    } else if (button.hasAttribute("data-add-level")) {
      var levels = card.querySelector("input[name$='-levels-TOTAL_FORMS']");
      var n = parseInt(levels.value, 10);
      var row = cloneTemplate(card.querySelector("template[data-level-template]"), /levels-__prefix__/g, n);
      card.querySelector("[data-level-list]").appendChild(row);
      levels.value = n + 1;
      row.querySelector("input[name$='-name']").focus();
    } else if (button.hasAttribute("data-remove-level")) {
      var levelRow = button.closest("[data-level-row]");
      levelRow.querySelector("input[name$='-DELETE']").checked = true;
      levelRow.hidden = true;
      card.querySelector("[data-add-level]").focus();
      schedulePreview();
    } else if (button.hasAttribute("data-remove-criterion")) {
      card.querySelector("input[name$='-DELETE']").checked = true;
      card.hidden = true;
      renumber();
      form.querySelector("[data-add-criterion]").focus();
      schedulePreview();
    } else if (button.hasAttribute("data-move")) {
      var visible = cards();
      var at = visible.indexOf(card);
      var other = visible[button.getAttribute("data-move") === "up" ? at - 1 : at + 1];
      if (!other) return;
      if (button.getAttribute("data-move") === "up") list.insertBefore(card, other);
      else list.insertBefore(other, card);
      renumber();
      button.focus();
      schedulePreview();
    }
  });

  // Competences: the tree's areas stay as groups; the search hides what does not match.
  form.addEventListener("input", function (event) {
    var search = event.target.closest("[data-comp-search]");
    if (!search) return;
    var box = search.closest("details");
    var words = search.value.trim().toLowerCase();
    var shown = 0;
    box.querySelectorAll("[data-comp-area]").forEach(function (area) {
      var any = false;
      var areaHit = area.querySelector("legend").textContent.toLowerCase().indexOf(words) >= 0;
      area.querySelectorAll("label.comp").forEach(function (label) {
        var hit = !words || areaHit || label.textContent.toLowerCase().indexOf(words) >= 0;
        label.hidden = !hit;
        if (hit) { any = true; shown += 1; }
      });
      area.hidden = !any;
    });
    box.querySelector("[data-comp-count]").textContent = msg.matches.replace("%s", shown);
  });
  form.addEventListener("change", function (event) {
    if (!event.target.matches("input[name$='-competences']")) return;
    var box = event.target.closest("details");
    var n = box.querySelectorAll("input[name$='-competences']:checked").length;
    box.querySelector("[data-chosen-count]").textContent = "(" + msg.chosen.replace("%s", n) + ")";
  });

  // Hints while typing: the same rules the server applies (rubrics/forms.py).
  function number(input) {
    if (!input || input.value.trim() === "") return null;
    var v = parseFloat(input.value.replace(",", "."));
    return isNaN(v) ? NaN : v;
  }
  function hint(input, text) {
    if (!input) return;
    var slot = form.querySelector("[data-hint-for='" + input.id + "']");
    if (slot) slot.textContent = text || "";
    if (text) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }
  function checkCard(card) {
    var title = card.querySelector("input[name$='-title']");
    var points = card.querySelector("input[name$='-points']");
    var threshold = card.querySelector("input[name$='-threshold']");
    var unit = card.querySelector("select[name$='-threshold_unit']");
    var blank = !title.value.trim() && !card.querySelector("textarea[name$='-description']").value.trim();
    var p = number(points), t = number(threshold);
    hint(title, blank || title.value.trim() ? "" : msg.name);
    hint(points, blank || p > 0 ? "" : msg.points);
    var top = unit && unit.value === "percent" ? 100 : p;
    hint(threshold, blank || (t >= 0 && !(top >= 0 && t > top)) ? "" : msg.threshold.replace("%s", top));
    card.querySelectorAll("[data-level-row]").forEach(function (row) {
      if (row.hidden) return;
      var name = row.querySelector("input[name$='-name']");
      var min = row.querySelector("input[name$='-min_score']");
      var m = number(min);
      var empty = !name.value.trim() && m === null;
      hint(name, empty || name.value.trim() ? "" : msg.levelName);
      hint(min, empty || (m !== null && m >= 0 && !(p > 0 && m > p)) ? "" : msg.levelMin.replace("%s", p));
    });
  }

  // Live preview: the form as typed, posted to the preview endpoint (nothing is saved).
  var timer = null;
  var region = document.getElementById("live-preview");
  function schedulePreview() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      fetch(form.dataset.previewUrl, { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) region.innerHTML = html; })
        .catch(function () { /* the Preview button still works */ });
    }, 400);
  }
  form.addEventListener("input", function (event) {
    var card = event.target.closest("[data-criterion]");
    if (card) checkCard(card);
    if (!event.target.matches("[data-comp-search]")) schedulePreview();
  });
  form.addEventListener("change", function (event) {
    if (!event.target.matches("[data-comp-search]")) schedulePreview();
  });
})();
