/* Draws the GeoJSON named by #map[data-geojson] with Leaflet, as a choropleth when
   data-measure names a property. Works without base-map tiles. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L || !window.UrbisMap) { return; }
  // Sequential, colour-blind-safe scale (ColorBrewer YlGnBu, 5 classes).
  var PALETTE = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"];
  var NO_DATA = "#d9d9d9";
  var measure = el.dataset.measure || "";
  var classes = el.dataset.classes ? JSON.parse(el.dataset.classes) : [];
  var highlight = el.dataset.highlight || "";
  var noDataLabel = el.dataset.noData || "no data";
  var unit = el.dataset.unit || "";
  var fmt = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 0 });

  var map = L.map(el, { zoomSnap: 0.25, attributionControl: true });
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }

  function colour(value) {
    if (value === null || value === undefined || !classes.length) { return NO_DATA; }
    for (var i = 0; i < classes.length; i++) {
      if (value <= classes[i]) { return PALETTE[Math.min(i, PALETTE.length - 1)]; }
    }
    return PALETTE[PALETTE.length - 1];
  }

  function style(feature) {
    var p = feature.properties || {};
    var isHighlighted = highlight && String(p.code) === highlight;
    return {
      color: "#1f2937", weight: isHighlighted ? 3 : 1,
      fillColor: measure ? colour(p[measure]) : (isHighlighted ? "#2c7fb8" : "#a1dab4"),
      fillOpacity: measure ? 0.8 : 0.45
    };
  }

  // Names come from uploaded boundary files: they reach the page as text nodes, never as
  // HTML (Leaflet would parse a string tooltip as markup).
  function textTooltip(text) {
    return function () {
      var span = document.createElement("span");
      span.textContent = text;
      return span;
    };
  }

  function swatch(parent, colour, text) {
    var box = L.DomUtil.create("span", "swatch", parent);
    box.style.background = colour;
    parent.appendChild(document.createTextNode(" " + text));
  }

  function label(p) {
    var value = measure ? p[measure] : null;
    var text = p.name || p.code;
    if (measure) {
      text += ": " + (value === null || value === undefined ? noDataLabel : fmt.format(value) + (unit ? " " + unit : ""));
    }
    return text;
  }

  fetch(el.dataset.geojson, { headers: { Accept: "application/geo+json" } })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        style: style,
        onEachFeature: function (feature, path) {
          var p = feature.properties || {};
          path.bindTooltip(textTooltip(label(p)), { sticky: true });
          if (p.url) {
            path.on("click", function () { window.location.href = p.url; });
          }
          path.on("add", function () {
            var node = path.getElement && path.getElement();
            if (node) {
              node.setAttribute("data-code", p.code);
              // Each shape is an image with a text alternative; the table beside the map
              // is the keyboard route to the same places.
              node.setAttribute("role", "img");
              node.setAttribute("aria-label", label(p));
            }
          });
        }
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 }); }
      if (el.dataset.markers) {
        addMarkers(layer, el.dataset.markers);
      } else if (el.dataset.context) {
        // The places around carry every name, this one's included.
        window.UrbisMap.addContext(map, el.dataset.context);
      } else {
        window.UrbisMap.addLabels(map, layer, function (p) { return p.name || p.code; });
      }
      el.setAttribute("data-loaded", String(data.features.length));
      if (measure && classes.length) { addLegend(); }
    })
    .catch(function () {
      el.setAttribute("data-error", "true");
      el.textContent = el.dataset.errorText || "The map could not be loaded; the table below has the same figures.";
    });

  // Places far apart (the cities of the network) would be specks on a continent-wide map: each
  // gets a circle whose area follows `property`, with its name beside it, at every zoom.
  function addMarkers(layer, property) {
    var values = [];
    layer.eachLayer(function (shape) { values.push(Number(shape.feature.properties[property]) || 0); });
    var largest = Math.max.apply(null, values.concat([1]));
    layer.eachLayer(function (shape) {
      var p = shape.feature.properties || {};
      var value = Number(p[property]) || 0;
      var radius = 6 + 18 * Math.sqrt(value / largest);
      var marker = L.circleMarker(shape.getBounds().getCenter(), {
        radius: radius, color: "#1f2937", weight: 1.5, fillColor: "#2c7fb8", fillOpacity: 0.75
      }).addTo(map);
      marker.bindTooltip(textTooltip(label(p)), { sticky: true });
      if (p.url) { marker.on("click", function () { window.location.href = p.url; }); }
      var node = marker.getElement && marker.getElement();
      if (node) { node.setAttribute("data-marker", p.code); node.setAttribute("role", "img"); node.setAttribute("aria-label", label(p)); }
      var text = document.createElement("span");
      text.textContent = p.name || p.code;
      L.marker(marker.getLatLng(), {
        icon: L.divIcon({ className: "map-label map-label-city", html: text, iconSize: null }),
        interactive: false, keyboard: false
      }).addTo(map);
    });
    // Markers and names do not change size with the zoom, so fit the view to the places
    // themselves with room for the largest circle.
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [60, 60], maxZoom: 9 }); }
  }

  function addLegend() {
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "legend");
      var lower = 0;
      if (unit) {
        L.DomUtil.create("strong", "", div).textContent = unit;
        L.DomUtil.create("br", "", div);
      }
      for (var i = 0; i < classes.length; i++) {
        swatch(div, PALETTE[Math.min(i, PALETTE.length - 1)], fmt.format(lower) + "–" + fmt.format(classes[i]));
        L.DomUtil.create("br", "", div);
        lower = classes[i];
      }
      swatch(div, NO_DATA, noDataLabel);
      return div;
    };
    legend.addTo(map);
  }
})();
