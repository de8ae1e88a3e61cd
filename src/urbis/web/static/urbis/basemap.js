/* The vector base map under every Leaflet map of Urbis, when a PMTiles file is configured
   (docs/MAPS.md): MapLibre draws the Protomaps style from the file, inside Leaflet through
   maplibre-gl-leaflet, so each page's own map script stays as it is. Loaded only when
   configured; without it each map draws its own offline outlines and labels. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.L || !window.maplibregl || !window.pmtiles || !window.basemaps) { return; }
  var source = new URL(script.dataset.pmtiles, window.location.href).href;
  // The worker is a file of this site: the strict Content-Security-Policy allows no blob: worker.
  maplibregl.setWorkerUrl(script.dataset.worker);
  var protocol = new pmtiles.Protocol();
  maplibregl.addProtocol("pmtiles", protocol.tile);
  var lang = (document.documentElement.lang || "en").split("-")[0];
  // Text labels need glyph files that a bare .pmtiles file does not carry; the place names the
  // page itself shows are drawn by Leaflet on top, so the base map keeps only its shapes.
  var layers = basemaps.layers("protomaps", basemaps.namedFlavor("light"), { lang: lang })
    .filter(function (layer) { return layer.type !== "symbol"; });
  var style = {
    version: 8,
    sources: {
      protomaps: {
        type: "vector",
        url: "pmtiles://" + source,
        attribution: "© OpenStreetMap contributors, Protomaps"
      }
    },
    layers: layers
  };
  L.Map.addInitHook(function () {
    var container = this.getContainer();
    var layer = L.maplibreGL({ style: style, interactive: false });
    layer.addTo(this);
    container.classList.add("has-basemap");
    this.whenReady(function () {
      var gl = layer.getMaplibreMap && layer.getMaplibreMap();
      if (!gl) { return; }
      gl.once("idle", function () {
        container.setAttribute("data-basemap", "vector");
        container.setAttribute("data-basemap-features", String(gl.queryRenderedFeatures().length));
      });
      gl.on("error", function () { container.setAttribute("data-basemap-error", "true"); });
    });
  });
})();
