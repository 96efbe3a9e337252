// Draw each plotly figure whose JSON sits in a <script type="application/json"> element, so
// the page needs no inline script and plotly.js comes from our own static files. Every chart
// page (the trainee's chart, the evaluation dashboard) loads this one file.
//
// A figure may carry in layout.meta, for narrow screens:
//   short_labels  labels (the table beside the chart names them in full),
//   short_axis    the trace property they replace: "theta" (spider charts, the default) or "y",
//   narrow_layout layout properties (margins, an empty title); an object is merged into the
//                 layout's own (an axis keeps its domain),
//   narrow_trace  properties set on every trace.
// A figure inside a closed <details> is drawn when the details first opens: plotly measures
// its container, which has no width while it is closed.
var NARROW = 600;

function draw(element) {
  var figure = JSON.parse(document.getElementById(element.dataset.plotlyFigure).textContent);
  var meta = figure.layout.meta || {};
  if (element.clientWidth < NARROW) {
    if (meta.short_labels) {
      var axis = meta.short_axis || "theta";
      figure.data.forEach(function (trace) { trace[axis] = meta.short_labels; });
    }
    if (meta.narrow_trace) {
      figure.data.forEach(function (trace) { Object.assign(trace, meta.narrow_trace); });
    }
    Object.keys(meta.narrow_layout || {}).forEach(function (key) {
      var value = meta.narrow_layout[key];
      var own = figure.layout[key];
      var merge = value && typeof value === "object" && own && typeof own === "object";
      figure.layout[key] = merge ? Object.assign({}, own, value) : value;
    });
  }
  Plotly.newPlot(element, figure.data, figure.layout, {
    responsive: true,
    displaylogo: false,
    // The mode bar needs injected styles, which the Content-Security-Policy forbids.
    displayModeBar: false,
  });
}

document.querySelectorAll("[data-plotly-figure]").forEach(function (element) {
  var closed = element.closest("details:not([open])");
  if (!closed) {
    draw(element);
    return;
  }
  closed.addEventListener("toggle", function opened() {
    if (closed.open) {
      closed.removeEventListener("toggle", opened);
      draw(element);
    }
  });
});
