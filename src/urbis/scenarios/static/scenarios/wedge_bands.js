// Each measure's wedge per year over the Monte Carlo runs: the median as a line, the 5–95 %
// band shaded around it. Data from the page's JSON script element; the page has the same
// figures in a table.
(function () {
  "use strict";
  var canvas = document.getElementById("wedge-band-chart");
  var source = document.getElementById("scenario-chart");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var wedges = data.wedges.filter(function (w) { return w.band_t; });
  if (!wedges.length) { return; }
  // The wedge chart's colours, so that a measure has one colour on both charts.
  var palette = ["#1d4ed8", "#166534", "#92400e", "#6b21a8", "#0f766e", "#9d174d", "#3f6212"];
  var points = function (values) {
    return data.years.map(function (y, i) { return { x: y, y: values[i] }; });
  };
  var datasets = [];
  wedges.forEach(function (w, k) {
    var colour = palette[k % palette.length];
    // Lower edge, then the upper edge filled down to it: one band per measure, kept out of
    // the legend; the median line carries the measure's name.
    datasets.push({ label: w.name + " 5 %", data: points(w.band_t[0]), pointRadius: 0,
      borderWidth: 0, fill: false, hideInLegend: true });
    datasets.push({ label: w.name + " " + canvas.dataset.bandLabel, data: points(w.band_t[2]),
      pointRadius: 0, borderWidth: 0, fill: "-1", backgroundColor: colour + "33",
      hideInLegend: true });
    datasets.push({ label: w.name, data: points(w.band_t[1]), pointRadius: 0, borderWidth: 2,
      borderColor: colour, backgroundColor: colour, fill: false });
  });
  new Chart(canvas, {
    type: "line",
    data: { datasets: datasets },
    options: {
      locale: document.documentElement.lang || undefined,
      animation: false, parsing: false,
      aspectRatio: canvas.parentElement.clientWidth < 600 ? 0.6 : 2,
      scales: {
        x: { type: "linear", ticks: { precision: 0, callback: function (v) { return String(v); } },
             title: { display: true, text: canvas.dataset.yearLabel } },
        y: { title: { display: true, text: data.unit }, beginAtZero: true }
      },
      plugins: { legend: { position: "bottom", labels: { filter: function (item, chart) {
        return !chart.datasets[item.datasetIndex].hideInLegend;
      } } } }
    }
  });
  // Lets tests know the chart was drawn, and with how many measures.
  canvas.dataset.drawn = String(wedges.length);
})();
