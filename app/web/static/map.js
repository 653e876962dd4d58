// The interactive map of a page: Cytoscape.js draws the nodes and edges the server put in
// <script id="map-data">. Pan, zoom, click a node to open its page, colour by one of the
// nodes' properties, export as PNG. The changed thing and the paths from it are drawn in
// orange. The map is exposed as window.mercatorMap for the end-to-end tests.
(function () {
  "use strict";

  var HIGHLIGHT = "#f97316";
  var PALETTE = [
    "#93c5fd", "#fcd34d", "#c4b5fd", "#6ee7b7", "#fca5a5", "#f9a8d4",
    "#a5f3fc", "#d9f99d", "#fdba74", "#cbd5e1", "#e9d5ff", "#bbf7d0",
  ];
  var NONE = "#e5e7eb";
  var container = document.getElementById("map");
  var data = JSON.parse(document.getElementById("map-data").textContent);

  function valueOf(node, mode) {
    if (mode === "environment") {
      if (node.kind === "environment") return node.label;
      var envs = node.environments || [];
      return envs.length === 0 ? null : envs.length === 1 ? envs[0] : "several";
    }
    if (mode === "distance") {
      return node.distance === null || node.distance === undefined ? null : String(node.distance);
    }
    return node[mode] === undefined ? null : node[mode];
  }

  var elements = data.nodes.map(function (node) {
    return {
      group: "nodes",
      data: {
        id: node.id,
        label: node.label,
        url: node.url,
        raw: node,
        width: Math.max(48, String(node.label).length * 7 + 20),
      },
      classes: [
        node.highlight ? "changed" : "",
        node.kind === "environment" ? "environment" : "",
        node.member === false && node.kind !== "environment" ? "outside" : "",
      ].join(" "),
    };
  });
  data.edges.forEach(function (edge) {
    elements.push({
      group: "edges",
      data: {
        id: edge.source + "->" + edge.target,
        source: edge.source,
        target: edge.target,
        label: edge.range || "",
      },
      classes: edge.highlight ? "path" : "",
    });
  });

  var changed = data.nodes.filter(function (n) { return n.highlight; }).map(function (n) {
    return n.id;
  });
  var large = data.nodes.length > 150;
  var layout = changed.length || large
    ? { name: "breadthfirst", directed: false, roots: changed.length ? changed : undefined,
        spacingFactor: large ? 0.9 : 1.2, animate: false }
    : { name: "cose", animate: false, nodeRepulsion: 9000, idealEdgeLength: 90 };

  var cy = cytoscape({
    container: container,
    elements: elements,
    layout: layout,
    minZoom: 0.05,
    maxZoom: 4,
    style: [
      { selector: "node", style: {
        shape: "round-rectangle", width: "data(width)", height: 30,
        "background-color": NONE, "border-width": 1, "border-color": "#6b7280",
        label: "data(label)", "font-size": 12, "text-valign": "center",
        "text-halign": "center", color: "#111827" } },
      { selector: "node.environment", style: { shape: "barrel", "border-color": "#15803d" } },
      { selector: "node.outside", style: { "border-style": "dashed" } },
      { selector: "node.changed", style: { "border-width": 4, "border-color": HIGHLIGHT } },
      { selector: "node:active, node:selected", style: { "overlay-opacity": 0.15 } },
      { selector: "edge", style: {
        width: 1.5, "line-color": "#9ca3af", "target-arrow-color": "#9ca3af",
        "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(label)",
        "font-size": 9, color: "#4b5563", "text-background-color": "#ffffff",
        "text-background-opacity": 0.8 } },
      { selector: "edge.path", style: {
        width: 3, "line-color": HIGHLIGHT, "target-arrow-color": HIGHLIGHT } },
    ],
  });

  cy.on("tap", "node", function (event) {
    var url = event.target.data("url");
    if (url) window.location.assign(url);
  });
  cy.on("mouseover", "node", function () { container.style.cursor = "pointer"; });
  cy.on("mouseout", "node", function () { container.style.cursor = ""; });

  var select = document.getElementById("map-colour");
  var legend = document.getElementById("map-legend");

  function colour(mode) {
    var values = [];
    cy.nodes().forEach(function (n) {
      var v = valueOf(n.data("raw"), mode);
      if (v !== null && values.indexOf(v) < 0) values.push(v);
    });
    values.sort();
    var colours = {};
    values.forEach(function (v, i) { colours[v] = PALETTE[i % PALETTE.length]; });
    cy.batch(function () {
      cy.nodes().forEach(function (n) {
        var v = valueOf(n.data("raw"), mode);
        n.style("background-color", v === null ? NONE : colours[v]);
      });
    });
    legend.textContent = "";
    values.concat(["none"]).forEach(function (v) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.backgroundColor = v === "none" ? NONE : colours[v];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(v === "none" ? "no " + mode : v));
      legend.appendChild(item);
    });
  }

  select.addEventListener("change", function () { colour(select.value); });
  colour(select.value);

  document.getElementById("map-fit").addEventListener("click", function () { cy.fit(undefined, 20); });
  document.getElementById("map-png").addEventListener("click", function () {
    var link = document.createElement("a");
    link.href = cy.png({ full: true, scale: 2, bg: "#ffffff" });
    link.download = (data.title || "map").replace(/[^A-Za-z0-9._-]+/g, "-") + ".png";
    document.body.appendChild(link);
    link.click();
    link.remove();
  });

  window.mercatorMap = cy;
  container.setAttribute("data-ready", "true");
})();
