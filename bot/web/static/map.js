// The console map: reports as clustered markers coloured by status, the precincts, the police
// points and a heat layer, from /console/map.json. No inline script (the page's CSP); every
// text from the data goes in as text, never as HTML.
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || !window.L) {
    return;
  }
  var labels = JSON.parse(box.dataset.labels);
  var map = L.map(box, { preferCanvas: true }).setView([42.32, 69.59], 12);
  L.tileLayer(box.dataset.tiles, {
    maxZoom: 19,
    attribution: box.dataset.attribution.replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    }),
  }).addTo(map);

  function pin(kind) {
    return L.divIcon({ className: "pin pin-" + kind, iconSize: [16, 16], html: "" });
  }

  function say(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  fetch(box.dataset.source, { credentials: "same-origin" })
    .then(function (answer) {
      if (!answer.ok) {
        throw new Error("HTTP " + answer.status);
      }
      return answer.json();
    })
    .then(function (data) {
      var bounds = [];
      var precincts = L.geoJSON(data.precincts, {
        style: { color: "#1f4e9a", weight: 2, fill: false },
        onEachFeature: function (feature, layer) {
          layer.bindTooltip(say(feature.properties.name), { sticky: true });
        },
      }).addTo(map);
      if (data.precincts.features.length) {
        bounds.push(precincts.getBounds());
      }
      var heat = data.heat.map(function (cell) {
        return [cell[0], cell[1], cell[2]];
      });
      var most = heat.reduce(function (m, c) { return Math.max(m, c[2]); }, 1);
      L.heatLayer(heat, { radius: 22, blur: 18, max: most, minOpacity: 0.25 }).addTo(map);
      var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45 });
      data.markers.forEach(function (m) {
        var status = labels.status[m[3]] || m[3];
        var what = labels.categories[m[4]] || m[4];
        var text = "№ " + m[0] + " · " + what + " · " + status;
        if (m[5]) {
          text += " · " + labels.overdue;
        }
        var marker = L.marker([m[1], m[2]], {
          icon: pin(m[5] ? "overdue" : m[3]),
          title: text,
          alt: text,
          keyboard: true,
        });
        marker.bindTooltip(say(text));
        marker.on("click", function () {
          window.location.href = "/console/r/" + m[0];
        });
        cluster.addLayer(marker);
      });
      map.addLayer(cluster);
      data.points.forEach(function (p) {
        var marker = L.marker([p[0], p[1]], { icon: pin("point"), title: p[2] });
        var card = document.createElement("div");
        [p[2], p[3], p[4]].forEach(function (line) {
          if (line) {
            card.appendChild(say(line));
            card.appendChild(document.createElement("br"));
          }
        });
        marker.bindPopup(card);
        marker.addTo(map);
      });
      if (data.markers.length) {
        bounds.push(cluster.getBounds());
      }
      if (bounds.length) {
        var all = bounds[0];
        bounds.slice(1).forEach(function (b) { all.extend(b); });
        map.fitBounds(all, { padding: [12, 12] });
      }
      // the open reports in view, listed in the queue (at most 200) for bulk work
      var open = data.markers.filter(function (m) {
        return m[3] === "new" || m[3] === "taken" || m[3] === "referred";
      });
      var inView = document.getElementById("in-view");
      function listInView() {
        var area = map.getBounds();
        var ids = open
          .filter(function (m) { return area.contains([m[1], m[2]]); })
          .slice(0, 200)
          .map(function (m) { return m[0]; });
        inView.hidden = ids.length === 0;
        inView.href = "/console/?ids=" + ids.join(".");
      }
      map.on("moveend", listInView);
      listInView();
      document.getElementById("map-count").textContent = labels.shown
        .replace("{shown}", data.markers.length)
        .replace("{total}", data.total);
      box.dataset.ready = String(data.markers.length);
    })
    .catch(function () {
      document.getElementById("map-count").textContent = labels.failed;
      box.dataset.ready = "error";
    });
})();
