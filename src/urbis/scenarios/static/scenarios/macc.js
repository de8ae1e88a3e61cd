// The marginal abatement cost curve as steps: each measure spans the tonnes it avoids (x) at its
// cost per tonne (y), cheapest first. Data from the same JSON element as the wedge chart; the
// page has the same figures in a table.
(function () {
  "use strict";
  var canvas = document.getElementById("macc-chart");
  var source = document.getElementById("scenario-chart");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#1d4ed8", "#166534", "#92400e", "#6b21a8", "#0f766e", "#9d174d", "#3f6212"];
  var x = 0;
  var datasets = data.macc.map(function (bar, k) {
    var start = x;
    x += bar.abatement_t;
    return { label: bar.name, data: [{ x: start, y: bar.cost_per_t }, { x: x, y: bar.cost_per_t }],
      borderColor: palette[k % palette.length], backgroundColor: palette[k % palette.length] + "66",
      fill: "origin", pointRadius: 0, borderWidth: 2 };
  });
  // A fixed-size chart (see below), as wide as its column allows: on a phone the page would
  // otherwise scroll sideways.
  var room = canvas.parentElement.clientWidth;
  if (room && room < canvas.width) {
    canvas.height = Math.round(Math.max(room * 0.9, canvas.height * room / canvas.width));
    canvas.width = room;
  }
  new Chart(canvas, {
    type: "line",
    data: { datasets: datasets },
    options: {
      // A fixed-size chart: a second responsive chart on the page can keep resizing itself.
      // Numbers in the page's language, not the browser's.
      locale: document.documentElement.lang || undefined,
      animation: false, parsing: false, responsive: false,
      scales: {
        x: { type: "linear", title: { display: true, text: canvas.dataset.xLabel } },
        y: { title: { display: true, text: canvas.dataset.yLabel } }
      },
      plugins: { legend: { position: "bottom" } }
    }
  });
  canvas.dataset.drawn = String(datasets.length);
})();
