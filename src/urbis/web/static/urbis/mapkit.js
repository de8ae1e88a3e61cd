/* Shared pieces of the Leaflet maps of Urbis: place names drawn on the map itself, so that a
   map without any base layer still says where it is. Names come from uploaded boundary files:
   they reach the page as text nodes only, never as HTML. */
(function () {
  "use strict";
  if (!window.L) { return; }

  function textNode(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  // A tooltip content function that yields a text node (a string would be parsed as markup).
  function textTooltip(text) {
    return function () { return textNode(text); };
  }

  // Labels at the centre of each shape of `layer`, shown at every zoom where the shape is wide
  // enough on screen to carry its name; more of them appear as one zooms in.
  function addLabels(map, layer, nameOf, className) {
    var labels = [];
    layer.eachLayer(function (shape) {
      var name = nameOf(shape.feature ? shape.feature.properties || {} : {});
      if (!name || !shape.getBounds) { return; }
      var where = shape.getBounds().getCenter();
      try { where = shape.getCenter(); } catch (e) { /* an empty ring: keep the box centre */ }
      var marker = L.marker(where, {
        icon: L.divIcon({ className: "map-label " + (className || ""), html: textNode(name), iconSize: null }),
        interactive: false, keyboard: false
      });
      labels.push({ marker: marker, shape: shape, text: name.length * 7.2 });
    });
    var group = L.layerGroup().addTo(map);
    // A name is shown where its shape is wide enough on screen and it would not cover a name
    // already placed; larger places are placed first, and more names fit as one zooms in.
    function update() {
      var placed = [];
      var sized = labels.map(function (label) {
        var b = label.shape.getBounds();
        var ne = map.latLngToContainerPoint(b.getNorthEast());
        var sw = map.latLngToContainerPoint(b.getSouthWest());
        return { label: label, width: ne.x - sw.x, area: (ne.x - sw.x) * (sw.y - ne.y) };
      }).sort(function (a, b) { return b.area - a.area; });
      sized.forEach(function (item) {
        var label = item.label;
        var at = map.latLngToContainerPoint(label.marker.getLatLng());
        var box = { x0: at.x - label.text / 2 - 2, x1: at.x + label.text / 2 + 2, y0: at.y - 9, y1: at.y + 9 };
        var free = placed.every(function (o) { return box.x1 < o.x0 || box.x0 > o.x1 || box.y1 < o.y0 || box.y0 > o.y1; });
        var show = item.width >= Math.min(label.text, 90) * 0.6 && free;
        if (show) { placed.push(box); }
        if (show && !group.hasLayer(label.marker)) { group.addLayer(label.marker); }
        if (!show && group.hasLayer(label.marker)) { group.removeLayer(label.marker); }
      });
    }
    map.on("zoomend", update);
    map.whenReady(update);
    return group;
  }

  // Thin outlines of the places around the figures (a city's districts or neighbourhoods),
  // with their names: the offline stand-in for a base map.
  function addContext(map, url, options) {
    options = options || {};
    return fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          interactive: false,
          style: { color: "#4b5563", weight: options.weight || 1, dashArray: "4 3", fill: false }
        }).addTo(map);
        layer.bringToBack();
        if (options.labels !== false) {
          addLabels(map, layer, function (p) { return p.name || ""; }, "map-label-context");
        }
        map.getContainer().setAttribute("data-context-loaded", String(data.features.length));
        return layer;
      })
      .catch(function () { /* outlines are decoration only */ });
  }

  window.UrbisMap = { textTooltip: textTooltip, addLabels: addLabels, addContext: addContext };
})();
