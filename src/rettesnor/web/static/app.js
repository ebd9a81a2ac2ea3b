// Progressive enhancement only: every page works without this file.
// The language menu changes the language as soon as a language is picked.
document.addEventListener("DOMContentLoaded", function () {
  var select = document.getElementById("lang-select");
  if (select && select.form) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
});

// The moderation queue: j/k move between comments, x chooses one for the bulk decision, d goes to its
// decision, and each decision has a key (data-key on its option: 1 keep, 2 hide …) that chooses it and
// puts the cursor in the reason (opening the reply fields for a reply), so that Enter decides. Keys typed into a
// field are left alone.
document.addEventListener("DOMContentLoaded", function () {
  var cases = Array.prototype.slice.call(document.querySelectorAll("article.case"));
  if (!cases.length) { return; }
  var current = -1;
  cases.forEach(function (c) { c.setAttribute("tabindex", "-1"); });
  function go(i) {
    current = Math.max(0, Math.min(cases.length - 1, i));
    cases[current].focus();
    cases[current].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) { return; }
    var here = cases.indexOf(document.activeElement);
    if (here >= 0) { current = here; }
    if (e.key === "j") { go(current + 1); e.preventDefault(); }
    else if (e.key === "k") { go(current - 1); e.preventDefault(); }
    else if (e.key === "x" && current >= 0) {
      var box = cases[current].querySelector("input[type=checkbox][form=bulk]");
      if (box) { box.checked = !box.checked; }
      e.preventDefault();
    } else if (e.key === "d" && current >= 0) {
      var decision = cases[current].querySelector("select[name=action]");
      if (decision) { decision.focus(); }
      e.preventDefault();
    } else if (current >= 0 && /^[0-9]$/.test(e.key)) {
      var select = cases[current].querySelector("select[name=action]");
      var option = select && select.querySelector("option[data-key='" + e.key + "']");
      if (!option) { return; }
      select.value = option.value;
      var field = cases[current].querySelector("input[name=reason]");
      var reply = cases[current].querySelector("details.reply");
      if (reply && option.value === "reply") { reply.open = true; }
      if (field) { field.focus(); }
      e.preventDefault();
    }
  });
});

// Publish: the text is checked as it is written (a second after the last key), the findings listed under
// it; the post's page after saving shows the full check with the photos.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("live-findings");
  var form = document.getElementById("compose");
  if (!box || !form) { return; }
  var text = form.querySelector("#text");
  var account = form.querySelector("#account");
  var timer = null;
  function show(data) {
    while (box.firstChild) { box.removeChild(box.firstChild); }
    if (!data.verdict) { return; }
    var head = document.createElement("p");
    head.textContent = box.getAttribute("data-title") + ": " + data.verdict;
    head.className = "live-verdict";
    box.appendChild(head);
    var list = document.createElement("ul");
    data.findings.forEach(function (f) {
      var item = document.createElement("li");
      item.className = "finding sev-" + f.severity;
      item.textContent = f.message + " (" + f.severity_text + ", " + f.code + ") " + f.remedy;
      list.appendChild(item);
    });
    box.appendChild(list);
  }
  function check() {
    var body = new URLSearchParams();
    body.append("csrf", form.querySelector("input[name=csrf]").value);
    body.append("text", text.value);
    body.append("account", account ? account.value : "");
    fetch("/publish/live", { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { show(data); } })
      .catch(function () { /* the check on saving still runs */ });
  }
  function later() { clearTimeout(timer); timer = setTimeout(check, 800); }
  text.addEventListener("input", later);
  if (account) { account.addEventListener("change", later); }
});
