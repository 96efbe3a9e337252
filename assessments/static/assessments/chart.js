// Draw each plotly figure whose JSON sits in a <script type="application/json"> element, so
// the page needs no inline script and plotly.js comes from our own static files.
var NARROW = 600;

document.querySelectorAll("[data-plotly-figure]").forEach(function (element) {
  var figure = JSON.parse(document.getElementById(element.dataset.plotlyFigure).textContent);
  var short = figure.layout.meta && figure.layout.meta.short_labels;
  if (short && element.clientWidth < NARROW) {
    // Full footstep names leave no room for the chart on a phone; the table names them.
    figure.data.forEach(function (trace) { trace.theta = short; });
    figure.layout.margin = { l: 40, r: 40, t: 30, b: 70 };
    figure.layout.height = 420;
  }
  Plotly.newPlot(element, figure.data, figure.layout, {
    responsive: true,
    displaylogo: false,
    // The mode bar needs injected styles, which the Content-Security-Policy forbids.
    displayModeBar: false,
  });
});
