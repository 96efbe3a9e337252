// The coding page, enhanced: a passage selected in the text (mouse, touch or keyboard) fills
// the coding form's offsets; digits 1-9 apply the listed codes. Without this script the
// sentence choosers of the form do the same.
(function () {
  "use strict";
  var box = document.getElementById("unit-text");
  var form = document.getElementById("coding-form");
  if (!box || !form) return;
  var start = form.querySelector("[name=start]");
  var end = form.querySelector("[name=end]");
  var codeSelect = form.querySelector("[name=code]");
  var first = form.querySelector("[name=first]");
  var last = form.querySelector("[name=last]");
  var status = document.getElementById("selection-status");
  var passage = document.getElementById("id_passage");
  var text = box.textContent;

  // Sentence ranges, as the server cuts them (qualitative/passages.py).
  var sentences = [];
  var re = /(?<=[.!?;])\s+|\n\s*/g;
  var from = 0, m;
  while ((m = re.exec(text)) !== null) {
    sentences.push([from, m.index]);
    from = m.index + m[0].length;
    if (m[0].length === 0) re.lastIndex++;
  }
  sentences.push([from, text.length]);
  sentences = sentences.filter(function (s) { return text.slice(s[0], s[1]).trim(); });

  function offsetOf(node, offset) {
    // Characters of the box's text before (node, offset).
    var range = document.createRange();
    range.selectNodeContents(box);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function pointAt(offset) {
    var walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    var seen = 0, node;
    while ((node = walker.nextNode())) {
      if (seen + node.length >= offset) return [node, offset - seen];
      seen += node.length;
    }
    return [box, box.childNodes.length];
  }

  function choose(a, b, announce) {
    if (a >= b) { clear(); return; }
    start.value = a; end.value = b;
    if (first) first.value = ""; if (last) last.value = "";
    var quote = text.slice(a, b);
    if (passage) passage.value = quote;
    status.textContent = (announce || "Selected") + ": “" + quote + "”";
  }

  function clear() {
    start.value = ""; end.value = "";
    status.textContent = "";
  }

  var keyed = null;
  document.addEventListener("selectionchange", function () {
    var sel = window.getSelection();
    if (!sel.rangeCount || sel.isCollapsed) return;
    var r = sel.getRangeAt(0);
    if (!box.contains(r.startContainer) || !box.contains(r.endContainer)) return;
    var a = offsetOf(r.startContainer, r.startOffset);
    var b = offsetOf(r.endContainer, r.endOffset);
    // Leave out spaces at either end, as a sentence range does.
    while (a < b && /\s/.test(text[a])) a++;
    while (b > a && /\s/.test(text[b - 1])) b--;
    // The selection the arrow keys just made has been announced already.
    if (keyed && keyed[0] === a && keyed[1] === b) return;
    keyed = null;
    choose(a, b);
  });

  // Keyboard: arrows move sentence by sentence, Shift extends; the range is shown as a selection.
  var anchor = -1, focus = -1;
  function showSentences() {
    var lo = Math.min(anchor, focus), hi = Math.max(anchor, focus);
    var a = sentences[lo][0], b = sentences[hi][1];
    var p = pointAt(a), q = pointAt(b);
    var range = document.createRange();
    range.setStart(p[0], p[1]); range.setEnd(q[0], q[1]);
    keyed = [a, b];
    var sel = window.getSelection();
    sel.removeAllRanges(); sel.addRange(range);
    var label = lo === hi ? "Sentence " + (lo + 1) : "Sentences " + (lo + 1) + " to " + (hi + 1);
    choose(a, b, label + " of " + sentences.length);
  }

  box.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowRight" || event.key === "ArrowUp" || event.key === "ArrowLeft") {
      var step = (event.key === "ArrowDown" || event.key === "ArrowRight") ? 1 : -1;
      if (focus < 0) { anchor = focus = step > 0 ? 0 : sentences.length - 1; }
      else {
        focus = Math.max(0, Math.min(sentences.length - 1, focus + step));
        if (!event.shiftKey) anchor = focus;
      }
      event.preventDefault();
      showSentences();
    } else if (/^[1-9]$/.test(event.key) && codeSelect) {
      var item = document.querySelectorAll("#code-shortcuts li")[Number(event.key) - 1];
      if (!item) return;
      event.preventDefault();
      codeSelect.value = item.dataset.code;
      if (!start.value) status.textContent = "Coding the whole text";
      var button = form.querySelector("button[name=action][value=code]");
      if (form.requestSubmit) form.requestSubmit(button); else button.click();
    } else if (event.key === "Escape") {
      anchor = focus = -1; clear(); window.getSelection().removeAllRanges();
    }
  });

  // Choosing sentences in the form replaces a selection made in the text.
  [first, last].forEach(function (select) {
    if (select) select.addEventListener("change", clear);
  });
})();
