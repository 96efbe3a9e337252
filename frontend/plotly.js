// The plotly.js of our chart pages: its core (the scatter trace, legends, hover, annotations,
// shapes, error bars, subplots) and only the other trace types our figures use, a tenth of the
// full bundle. A figure with another trace type draws nothing and logs an error in the
// console, which the browser tests fail on: register the type here when a chart needs it.
// Built by `make plotly` (npm run build) into static/vendor/plotly/plotly.min.js.
var Plotly = require("plotly.js/lib/core");

Plotly.register([
  require("plotly.js/lib/scatterpolar"), // the spider charts
  require("plotly.js/lib/bar"), // the evaluation's item and reliable-change charts
]);

module.exports = Plotly;
