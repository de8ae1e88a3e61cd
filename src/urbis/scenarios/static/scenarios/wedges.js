// The wedge chart: business as usual on top, each measure's wedge stacked down to the scenario,
// the 5–95 % band of the Monte Carlo runs and the targets; and, where the run has them, each
// measure's wedge per year with its own band. Data from a JSON script element; the page has
// the same figures in tables.
(function () {
  "use strict";
  var canvas = document.getElementById("wedge-chart");
  var source = document.getElementById("scenario-chart");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  // One colour per measure, the same on both charts.
  var palette = ["#1d4ed8", "#166534", "#92400e", "#6b21a8", "#0f766e", "#9d174d", "#3f6212"];
  var points = function (values) {
    return data.years.map(function (y, i) { return { x: y, y: values[i] }; });
  };
  // A line chart over the years, as both charts draw it.
  var draw = function (target, datasets) {
    new Chart(target, {
      type: "line",
      data: { datasets: datasets },
      options: {
        // Numbers in the page's language, not the browser's.
        locale: document.documentElement.lang || undefined,
        animation: false, parsing: false,
        // On a phone the legend would leave the lines a sliver: a taller chart there.
        aspectRatio: target.parentElement.clientWidth < 600 ? 0.6 : 2,
        scales: {
          // Years are not quantities: 2030, never "2,030".
          x: { type: "linear", ticks: { precision: 0, callback: function (v) { return String(v); } },
               title: { display: true, text: target.dataset.yearLabel } },
          y: { title: { display: true, text: data.unit }, beginAtZero: true }
        },
        plugins: { legend: { position: "bottom", labels: { filter: function (item, chart) {
          return !chart.datasets[item.datasetIndex].hideInLegend;
        } } } }
      }
    });
  };
  var datasets = [];
  // Stack wedges from the scenario line up to business as usual.
  var level = data.scenario.slice();
  data.wedges.forEach(function (w, k) {
    var top = level.map(function (v, i) { return v + w.values[i]; });
    datasets.push({ label: w.name, data: points(top), fill: "-1", pointRadius: 0,
      borderWidth: 0, backgroundColor: palette[k % palette.length] + "99" });
    level = top;
  });
  datasets.unshift({ label: canvas.dataset.scenarioLabel, data: points(data.scenario),
    borderColor: "#111827", borderWidth: 2, pointRadius: 0, fill: false });
  datasets.push({ label: canvas.dataset.bauLabel, data: points(data.bau), borderColor: "#b91c1c",
    borderWidth: 2, borderDash: [6, 4], pointRadius: 0, fill: false });
  datasets.push({ label: canvas.dataset.bandLabel, data: points(data.bands.scenario[0]),
    borderColor: "#6b7280", borderWidth: 1, borderDash: [2, 3], pointRadius: 0, fill: false });
  // The band's upper edge fills down to its lower edge: one band, one legend entry.
  datasets.push({ label: canvas.dataset.bandLabel, data: points(data.bands.scenario[2]),
    borderColor: "#6b7280", borderWidth: 1, borderDash: [2, 3], pointRadius: 0, fill: "-1",
    backgroundColor: "rgba(107,114,128,0.12)", hideInLegend: true });
  data.targets.forEach(function (t) {
    datasets.push({ label: canvas.dataset.targetLabel + ": " + t.title, type: "scatter",
      data: [{ x: t.year, y: t.t_co2 }], pointStyle: "rectRot", pointRadius: 7,
      backgroundColor: "#000000" });
  });
  if (data.observations && data.observations.length) {
    datasets.push({ label: canvas.dataset.observedLabel, type: "scatter",
      data: data.observations.map(function (o) { return { x: o.year, y: o.t_co2 }; }),
      pointStyle: "circle", pointRadius: 5, backgroundColor: "#1d4ed8" });
  }
  if (data.monitoring && data.monitoring.length) {
    datasets.push({ label: canvas.dataset.meiLabel, type: "scatter",
      data: data.monitoring.map(function (o) { return { x: o.year, y: o.t_co2 }; }),
      pointStyle: "triangle", pointRadius: 7, backgroundColor: "#b45309" });
  }
  draw(canvas, datasets);
  // Lets tests (and readers of the DOM) know the chart was drawn, and with how many series.
  canvas.dataset.drawn = String(datasets.length);

  // Each measure's wedge per year over the Monte Carlo runs: the median as a line, the 5–95 %
  // band shaded around it (runs stored before these bands have none, and no chart).
  var bandCanvas = document.getElementById("wedge-band-chart");
  var banded = data.wedges.filter(function (w) { return w.band_t; });
  if (!bandCanvas || !banded.length) { return; }
  var bands = [];
  banded.forEach(function (w, k) {
    var colour = palette[k % palette.length];
    // Lower edge, then the upper edge filled down to it: one band per measure, kept out of
    // the legend; the median line carries the measure's name.
    bands.push({ label: w.name + " 5 %", data: points(w.band_t[0]), pointRadius: 0,
      borderWidth: 0, fill: false, hideInLegend: true });
    bands.push({ label: w.name + " " + bandCanvas.dataset.bandLabel, data: points(w.band_t[2]),
      pointRadius: 0, borderWidth: 0, fill: "-1", backgroundColor: colour + "33",
      hideInLegend: true });
    bands.push({ label: w.name, data: points(w.band_t[1]), pointRadius: 0, borderWidth: 2,
      borderColor: colour, backgroundColor: colour, fill: false });
  });
  draw(bandCanvas, bands);
  // Lets tests know the chart was drawn, and with how many measures.
  bandCanvas.dataset.drawn = String(banded.length);
})();
