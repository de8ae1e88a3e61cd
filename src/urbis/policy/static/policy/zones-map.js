// The city's areas as a grey base and its innovation zones on top (Leaflet). Zone names reach
// the page as text nodes, never as HTML. Works without base-map tiles.
(function () {
  "use strict";
  var el = document.getElementById("zone-map");
  if (!el || !window.L) { return; }
  var map = L.map(el, { zoomSnap: 0.25 });
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  function text(value) {
    return function () { var span = document.createElement("span"); span.textContent = value; return span; };
  }
  function get(url) {
    return fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    });
  }
  var only = el.dataset.only || "";
  Promise.all([get(el.dataset.areas), get(el.dataset.zones)]).then(function (results) {
    L.geoJSON(results[0], { style: { color: "#6b7280", weight: 1, fillColor: "#e5e7eb", fillOpacity: 0.4 },
                            interactive: false }).addTo(map);
    var zones = results[1].features.filter(function (f) { return !only || f.properties.code === only; });
    var layer = L.geoJSON({ type: "FeatureCollection", features: zones }, {
      style: { color: "#7c2d12", weight: 3, fillColor: "#f97316", fillOpacity: 0.5 },
      onEachFeature: function (feature, path) {
        var p = feature.properties || {};
        path.bindTooltip(text(p.name), { sticky: true });
        if (p.url && !only) { path.on("click", function () { window.location.href = p.url; }); }
        path.on("add", function () {
          var node = path.getElement && path.getElement();
          if (node) { node.setAttribute("data-code", p.code); node.setAttribute("role", "img"); node.setAttribute("aria-label", p.name); }
        });
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [40, 40], maxZoom: 16 }); }
    el.setAttribute("data-loaded", String(zones.length));
  }).catch(function () {
    el.setAttribute("data-error", "true");
    el.textContent = el.dataset.errorText || "The map could not be loaded.";
  });
})();
