/* Polls a running upload and reloads the page when the background job has finished. */
(function () {
  "use strict";
  var box = document.getElementById("upload-status");
  if (!box || box.dataset.finished === "true") { return; }
  function poll() {
    fetch(box.dataset.poll, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 700);
})();
