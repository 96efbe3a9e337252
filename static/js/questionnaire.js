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

  function save() {
    timer = null;
    var body = new FormData(form);
    body.delete("action");
    fetch(url, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": token, "X-Requested-With": "fetch" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (data) {
          status.textContent = response.ok
            ? "Your answers were saved at " + data.saved_at + "."
            : data.error || "";
        });
      })
      .catch(function () {
        status.textContent = "Your latest answers could not be saved: check your connection.";
      });
  }
  function later(delay) {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, delay);
  }
  // A choice is saved at once; typing, once the person pauses.
  form.addEventListener("change", function () { later(0); });
  form.addEventListener("input", function (event) {
    if (event.target.type !== "radio") later(1500);
  });
  // Leaving with unsaved typing: send it now (the page may not get another chance).
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && timer) {
      clearTimeout(timer);
      save();
    }
  });
  // A send replaces the draft: an autosave still waiting must not race it.
  form.addEventListener("submit", function () {
    if (timer) clearTimeout(timer);
    timer = null;
  });
})();
