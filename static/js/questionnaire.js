// The questionnaire page, enhanced (it works without this script): a sticky "8 of 14
// answered" counter, and the answers saved as a draft on the server as the trainee goes, so
// nothing typed is lost if the phone locks or the tab closes. The "Save and come back later"
// button does the same without JavaScript.
(function () {
  var form = document.getElementById("questionnaire");
  if (!form) return;

  var progress = document.getElementById("questionnaire-progress");
  var statements = form.querySelectorAll("[data-statement]");
  function count() {
    var answered = 0;
    statements.forEach(function (statement) {
      if (statement.querySelector("input:checked")) answered += 1;
    });
    progress.querySelector("[data-answered]").textContent = answered;
  }
  if (progress) {
    count();
    progress.hidden = false;
    form.addEventListener("change", count);
  }

  var url = form.dataset.draftUrl;
  if (!url) return; // a sent questionnaire being corrected keeps no draft
  var status = form.querySelector("[data-autosave-status]");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timer = null;
  var saving = false; // one save at a time, so an older one never lands after a newer one
  var dirty = false; // changed since the last save started

  function values() {
    var body = new FormData(form); // with the CSRF token's hidden field
    body.delete("action");
    return body;
  }
  function save() {
    timer = null;
    if (saving || !dirty) return;
    saving = true;
    dirty = false;
    fetch(url, {
      method: "POST",
      body: values(),
      headers: { "X-CSRFToken": token },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) throw new Error(data.error || "");
          if (!dirty) status.textContent = "Your answers were saved at " + data.saved_at + ".";
        });
      })
      .catch(function (error) {
        status.textContent =
          error.message || "Your latest answers could not be saved: check your connection.";
      })
      .then(function () {
        saving = false;
        if (dirty) save();
      });
  }
  function changed(delay) {
    dirty = true;
    status.textContent = "Saving your answers…";
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, delay);
  }
  // A choice is saved at once; typing, once the person pauses.
  form.addEventListener("change", function () { changed(0); });
  form.addEventListener("input", function (event) {
    if (event.target.type !== "radio") changed(1500);
  });
  // Leaving with changes not saved yet: the browser sends them even as the page goes.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && dirty) {
      if (timer) clearTimeout(timer);
      timer = null;
      dirty = false;
      navigator.sendBeacon(url, values());
    }
  });
  // Sending replaces the draft: a save still waiting must not race it.
  form.addEventListener("submit", function () {
    if (timer) clearTimeout(timer);
    timer = null;
    dirty = false;
  });
})();
