// Draw each plotly figure whose JSON sits in a <script type="application/json"> element, so
// pages need no inline script and plotly.js comes from our own static files.
document.querySelectorAll("[data-plotly-figure]").forEach(function (element) {
  var figure = JSON.parse(document.getElementById(element.dataset.plotlyFigure).textContent);
  Plotly.newPlot(element, figure.data, figure.layout, { responsive: true, displaylogo: false });
});
