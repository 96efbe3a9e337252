// Draw each plotly figure whose JSON sits in a <script type="application/json"> element, so
// the page needs no inline script and plotly.js comes from our own static files.
//
// A figure may carry in layout.meta:
//   short_labels  labels for narrow screens (the table beside the chart names them in full),
//   short_axis    the trace property they replace: "theta" (spider chart, the default) or "y",
//   narrow_layout layout properties for narrow screens (margins, an empty title); an object
//                 is merged into the layout's own (an axis keeps its domain),
//   narrow_trace  properties set on every trace on narrow screens.
// A figure inside a closed <details> is drawn when the details first opens: plotly measures
// its container, which has no width while it is closed.
var NARROW = 600;

function draw(element) {
  var figure = JSON.parse(document.getElementById(element.dataset.plotlyFigure).textContent);
  var meta = figure.layout.meta || {};
  if (element.clientWidth < NARROW) {
    var short = meta.short_labels;
    var axis = meta.short_axis || "theta";
    if (short) {
      figure.data.forEach(function (trace) { trace[axis] = short; });
    }
    if (meta.narrow_trace) {
      figure.data.forEach(function (trace) { Object.assign(trace, meta.narrow_trace); });
    }
    if (meta.narrow_layout) {
      Object.keys(meta.narrow_layout).forEach(function (key) {
        var value = meta.narrow_layout[key];
        var own = figure.layout[key];
        var merge = value && typeof value === "object" && own && typeof own === "object";
        figure.layout[key] = merge ? Object.assign({}, own, value) : value;
      });
    } else if (short) {
      // The spider chart: full footstep names leave no room for it on a phone.
      figure.layout.title = { text: "" };
      figure.layout.margin = { l: 30, r: 30, t: 30, b: 50 };
    }
  }
  Plotly.newPlot(element, figure.data, figure.layout, {
    responsive: true,
    displaylogo: false,
    // The mode bar needs injected styles; the page offers PNG, SVG and HTML downloads instead.
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
