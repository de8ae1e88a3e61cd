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
