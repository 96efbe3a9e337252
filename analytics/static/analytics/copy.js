// "Copy" buttons: <button data-copy="text"> puts the text on the clipboard and says so in the
// aria-live element beside it ([data-copy-status]). Without this script (or without the
// Clipboard API, which needs HTTPS) the buttons stay hidden and the text stays selectable.
(function () {
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var status = button.parentElement.querySelector("[data-copy-status]");
    var timer = null;
    function say(message) {
      if (!status) { return; }
      status.textContent = message;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { status.textContent = ""; }, 5000);
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copy).then(
        function () { say("Copied"); },
        function () { say("Could not copy: select the text and copy it instead"); }
      );
    });
  });
})();
