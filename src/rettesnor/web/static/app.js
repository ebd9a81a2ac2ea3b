// Progressive enhancement only: every page works without this file.
// The language menu changes the language as soon as a language is picked.
document.addEventListener("DOMContentLoaded", function () {
  var select = document.getElementById("lang-select");
  if (select && select.form) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
});
