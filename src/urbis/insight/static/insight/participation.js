// Participants per 1,000 residents, one line per city; the page has the same figures in a table.
(function () {
  "use strict";
  var canvas = document.getElementById("participation-chart");
  var source = document.getElementById("participation-data");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#1d4ed8", "#92400e", "#166534", "#6b21a8", "#0f766e", "#9d174d"];
  new Chart(canvas, {
    type: "line",
    data: { labels: data.years, datasets: data.cities.map(function (c, k) {
      return { label: c.name, data: c.values, borderColor: palette[k % palette.length],
        backgroundColor: palette[k % palette.length], spanGaps: true };
    }) },
    options: { animation: false, scales: { y: { beginAtZero: true,
      title: { display: true, text: "‰" } } }, plugins: { legend: { position: "bottom" } } }
  });
  canvas.dataset.drawn = String(data.cities.length);
})();
// The network dashboard: one chart per participation measure, one line per city. Other sections
// of that page load Chart.js too; a second copy would replace the global ``Chart`` and hide the
// charts drawn with the first, so this waits for the page and loads it only if none did.
(function () {
  "use strict";
  var script = document.currentScript;
  function draw() {
    var source = document.getElementById("participation-network");
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var palette = ["#1d4ed8", "#92400e", "#166534", "#6b21a8", "#0f766e", "#9d174d"];
    document.querySelectorAll("canvas[data-participation-series]").forEach(function (canvas) {
      var s = data.series[canvas.dataset.participationSeries];
      if (!s || !data.years.length) { return; }
      new Chart(canvas, {
        type: "line",
        data: { labels: data.years, datasets: s.values.map(function (values, k) {
          return { label: data.cities[k], data: values, borderColor: palette[k % palette.length],
            backgroundColor: palette[k % palette.length], spanGaps: true, pointRadius: 3 };
        }) },
        options: { animation: false, aspectRatio: 4,
          scales: { y: { beginAtZero: true, title: { display: true, text: s.unit } } },
          plugins: { legend: { position: "bottom" } } }
      });
      canvas.dataset.drawn = String(s.values.length);
    });
  }
  function start() {
    if (!document.getElementById("participation-network")) { return; }
    if (typeof Chart !== "undefined" || !script || !script.dataset.chartjs) { draw(); return; }
    var loader = document.createElement("script");
    loader.src = script.dataset.chartjs;
    loader.onload = draw;
    document.head.appendChild(loader);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
