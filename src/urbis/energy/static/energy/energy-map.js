/* Smart Energy Map: draws the GeoJSON layer named by #energy-map[data-geojson] as a
   choropleth of its "value" property, with a legend; the filter form reloads on change. */
(function () {
  "use strict";
  var form = document.getElementById("energy-filters");
  if (form) {
    var month = document.getElementById("month");
    var output = document.getElementById("month-output");
    if (month && output) {
      month.addEventListener("input", function () {
        var text = month.value === "0" ? month.dataset.wholeYear : month.value;
        output.textContent = text;
        month.setAttribute("aria-valuetext", text);
      });
    }
    Array.prototype.forEach.call(form.querySelectorAll("select, input[type=range]"), function (el) {
      el.addEventListener("change", function () { form.submit(); });
    });
  }
  var el = document.getElementById("energy-map");
  if (!el || !window.L || !window.UrbisMap) { return; }
  var measure = el.dataset.measure;
  // Sequential, colour-blind-safe scales (ColorBrewer): YlOrRd for energy use, YlGn for
  // production and self-sufficiency; diverging PuOr for the net balance (export vs import).
  var SCALES = {
    consumption: ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
    production: ["#ffffcc", "#c2e699", "#78c679", "#31a354", "#006837"],
    self_sufficiency: ["#ffffcc", "#c2e699", "#78c679", "#31a354", "#006837"],
    balance: ["#5e3c99", "#b2abd2", "#f7f7f7", "#fdb863", "#e66101"]
  };
  var palette = SCALES[measure] || SCALES.consumption;
  var NO_DATA = "#d9d9d9";
  var noData = el.dataset.noData || "no data";
  var lang = document.documentElement.lang || undefined;
  var baseDigits = measure === "self_sufficiency" ? 1 : 0;
  var fmt = new Intl.NumberFormat(lang, { maximumFractionDigits: baseDigits });
  function scaled(v) { return measure === "self_sufficiency" ? v * 100 : v / 1000; }
  function show(v) {
    if (v === null || v === undefined) { return noData; }
    return fmt.format(scaled(v)) + (measure === "self_sufficiency" ? " %" : " MWh");
  }
  // Enough decimals that no two class bounds read alike: small shares of self-sufficiency
  // would otherwise give a legend of "0.1 % – 0.1 %".
  function useDigitsFor(bounds) {
    for (var d = baseDigits; d <= baseDigits + 4; d++) {
      var candidate = new Intl.NumberFormat(lang, { maximumFractionDigits: d });
      var labels = bounds.map(function (v) { return candidate.format(scaled(v)); });
      var distinct = labels.every(function (label, i) { return labels.indexOf(label) === i; });
      fmt = candidate;
      if (distinct) { return; }
    }
  }
  // Area names come from uploaded files: they reach the page as text, never as HTML.
  function textTooltip(text) {
    return function () {
      var span = document.createElement("span");
      span.textContent = text;
      return span;
    };
  }
  function swatch(parent, colour, text) {
    L.DomUtil.create("span", "swatch", parent).style.background = colour;
    parent.appendChild(document.createTextNode(" " + text));
  }
  var map = L.map(el, { zoomSnap: 0.25 });
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  if (el.dataset.context) {
    // Street cells are small: neighbourhood outlines and names underneath say where they are.
    window.UrbisMap.addContext(map, el.dataset.context);
  }
  fetch(el.dataset.geojson, { headers: { Accept: "application/geo+json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (data) {
      var classes = (data.properties && data.properties.classes) || [];
      useDigitsFor(classes);
      function colour(v) {
        if (v === null || v === undefined || !classes.length) { return NO_DATA; }
        for (var i = 0; i < classes.length; i++) {
          if (v <= classes[i]) { return palette[Math.min(i, palette.length - 1)]; }
        }
        return palette[palette.length - 1];
      }
      var layer = L.geoJSON(data, {
        style: function (f) {
          return { color: "#1f2937", weight: 1, fillColor: colour(f.properties.value), fillOpacity: 0.8 };
        },
        onEachFeature: function (f, path) {
          var p = f.properties || {};
          var text = (p.name || p.code) + ": " + show(p.value);
          path.bindTooltip(textTooltip(text), { sticky: true });
          if (p.url) { path.on("click", function () { window.location.href = p.url; }); }
          path.on("add", function () {
            var node = path.getElement && path.getElement();
            if (node) {
              node.setAttribute("data-code", p.code);
              node.setAttribute("role", "img");
              node.setAttribute("aria-label", text);
            }
          });
        }
      }).addTo(map);
      var bounds = layer.getBounds();
      // A few street cells alone would fill the view: stay far enough out to show the streets'
      // neighbourhood around them.
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [8, 8], maxZoom: 15 }); }
      else if (data.properties && data.properties.bbox) { map.fitBounds(data.properties.bbox); }
      else { map.setView([0, 0], 2); }
      if (!el.dataset.context) {
        window.UrbisMap.addLabels(map, layer, function (p) { return p.name || ""; });
      }
      el.setAttribute("data-loaded", String(data.features.length));
      var legend = L.control({ position: "bottomright" });
      legend.onAdd = function () {
        var div = L.DomUtil.create("div", "legend");
        div.setAttribute("id", "energy-legend");
        L.DomUtil.create("strong", "", div).textContent = el.dataset.legendTitle || "";
        L.DomUtil.create("br", "", div);
        var lower = null;
        for (var i = 0; i < classes.length; i++) {
          swatch(div, palette[Math.min(i, palette.length - 1)],
            (lower === null ? "≤ " : show(lower) + " – ") + show(classes[i]));
          L.DomUtil.create("br", "", div);
          lower = classes[i];
        }
        swatch(div, NO_DATA, noData);
        return div;
      };
      legend.addTo(map);
    })
    .catch(function () {
      el.setAttribute("data-error", "true");
      el.textContent = el.dataset.errorText;
    });
})();
