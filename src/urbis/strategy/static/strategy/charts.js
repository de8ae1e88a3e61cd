// Draws each indicator against its target path, and the cross-city comparison, with Chart.js.
// Data comes from a JSON script element; every chart has a data table beside it for readers
// who cannot see the canvas.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  // Axis bounds come with the data (strategy/queries.py chart_bounds): whole years with a
  // year's margin, and a padded value range. The value bounds are only suggested so that
  // Chart.js may round them out to tidy tick values.
  function scales(data, canvas) {
    var bounds = data.bounds || {};
    var x = {
      type: "linear",
      ticks: { precision: 0, callback: function (v) { return String(Math.round(v)); } },
      title: { display: true, text: canvas.dataset.yearLabel || "year" }
    };
    var y = { title: { display: true, text: data.unit } };
    if (bounds.x) { x.min = bounds.x.min; x.max = bounds.x.max; }
    if (bounds.y) { y.suggestedMin = bounds.y.min; y.suggestedMax = bounds.y.max; }
    return { x: x, y: y };
  }
  var palette = ["#1d4ed8", "#b91c1c", "#166534", "#92400e", "#6b21a8", "#0f766e"];

  function targetChart(canvas, data) {
    new Chart(canvas, {
      type: "line",
      data: {
        datasets: [
          { label: canvas.dataset.observedLabel || "observed", data: data.observed,
            borderColor: "#1d4ed8", backgroundColor: "#1d4ed8", showLine: true, pointRadius: 4 },
          { label: canvas.dataset.pathLabel || "target path", data: data.path,
            borderColor: "#4b5563", backgroundColor: "#4b5563", borderDash: [6, 4],
            showLine: true, pointStyle: "rectRot", pointRadius: 5 }
        ]
      },
      options: {
        animation: false, parsing: false,
        scales: scales(data, canvas),
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  function compareChart(canvas, data) {
    new Chart(canvas, {
      type: "line",
      data: {
        datasets: data.series.map(function (s, i) {
          return { label: s.label, data: s.data, borderColor: palette[i % palette.length],
                   backgroundColor: palette[i % palette.length], showLine: true, pointRadius: 4 };
        })
      },
      options: {
        animation: false, parsing: false,
        scales: scales(data, canvas),
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  var source = document.getElementById("strategy-charts");
  if (!source) { return; }
  var all = JSON.parse(source.textContent);
  document.querySelectorAll("canvas[data-target-chart]").forEach(function (canvas) {
    var data = all[canvas.dataset.targetChart];
    if (data && (data.observed.length || data.path.length)) { targetChart(canvas, data); }
  });
  document.querySelectorAll("canvas[data-compare-chart]").forEach(function (canvas) {
    compareChart(canvas, all);
  });
})();
