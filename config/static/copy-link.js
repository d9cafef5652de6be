// "Copy link" buttons: <button data-copy="FIELD-ID" data-copied="(translated) Copied." hidden>.
// Without script the link stays a selectable read-only field; with it, the button appears
// and copies the field's value, saying so in the element FIELD-ID-status (aria-live).
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    var field = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.dataset.copy + "-status");
    var done = function () { status.textContent = button.dataset.copied; };
    field.select();
    if (navigator.clipboard) {
      navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });
});
