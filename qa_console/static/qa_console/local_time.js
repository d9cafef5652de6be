// Dates in the viewer's own language and time zone. The server already wrote each
// <time data-local-time> in the institution's zone; without JavaScript that text stays.
(function () {
  "use strict";
  var format;
  try {
    format = new Intl.DateTimeFormat(navigator.languages && navigator.languages.length ? navigator.languages : undefined, {
      year: "numeric", month: "short", day: "numeric",
      hour: "numeric", minute: "2-digit", timeZoneName: "short"
    });
  } catch (e) {
    return;
  }
  document.querySelectorAll("time[data-local-time]").forEach(function (el) {
    var when = new Date(el.getAttribute("datetime"));
    if (isNaN(when.getTime())) return;
    el.title = el.textContent.trim();
    el.textContent = format.format(when);
    el.setAttribute("data-localised", "");
  });
})();
