/* Idea maps: #ideas-map draws the process's ideas (GeoJSON points), #idea-map one idea, and
   #pick-map lets the author click to fill the latitude/longitude fields. No tiles needed. */
(function () {
  "use strict";
  if (!window.L) { return; }
  function baseMap(el) {
    var map = L.map(el, { zoomSnap: 0.25 });
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    return map;
  }
  function drawBackground(map, url, fit) {
    // District or neighbourhood outlines for orientation when no tile server is configured.
    if (!url) { return; }
    fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          style: { color: "#6b7280", weight: 1, fillColor: "#e5e7eb", fillOpacity: 0.5 },
          interactive: false
        }).addTo(map);
        layer.bringToBack();
        if (fit && layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [8, 8] }); }
      })
      .catch(function () { /* the points alone still work */ });
  }
  function drawPoints(el, data) {
    var map = baseMap(el);
    drawBackground(map, el.dataset.background, el.id === "idea-map");
    var layer = L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 7, color: "#1f2937", weight: 1, fillColor: "#1d4ed8", fillOpacity: 0.8 });
      },
      onEachFeature: function (feature, marker) {
        var p = feature.properties || {};
        // Idea titles are participants' text: shown as a text node, never parsed as HTML.
        var text = p.name + (p.votes !== undefined ? " (" + p.votes + ")" : "");
        marker.bindTooltip(function () {
          var span = document.createElement("span");
          span.textContent = text;
          return span;
        });
        if (p.url) { marker.on("click", function () { window.location.href = p.url; }); }
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 }); }
    el.setAttribute("data-loaded", String(data.features.length));
  }
  var list = document.getElementById("ideas-map");
  if (list) {
    fetch(list.dataset.geojson, { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) { drawPoints(list, data); })
      .catch(function () { list.setAttribute("data-error", "true"); });
  }
  var one = document.getElementById("idea-map");
  if (one && one.dataset.features) { drawPoints(one, JSON.parse(one.dataset.features)); }
  var pick = document.getElementById("pick-map");
  if (pick) {
    var lat = document.getElementById("id_latitude"), lon = document.getElementById("id_longitude");
    var map = baseMap(pick), marker = null;
    var bbox = pick.dataset.bbox ? JSON.parse(pick.dataset.bbox) : null;
    if (bbox) { map.fitBounds([[bbox[1], bbox[0]], [bbox[3], bbox[2]]]); } else { map.setView([48, 5], 4); }
    map.on("click", function (e) {
      if (marker) { marker.setLatLng(e.latlng); } else { marker = L.marker(e.latlng).addTo(map); }
      if (lat && lon) { lat.value = e.latlng.lat.toFixed(6); lon.value = e.latlng.lng.toFixed(6); }
    });
  }
})();
