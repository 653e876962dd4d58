// The interactive map of a page: Cytoscape.js draws the nodes and edges the server put in
// <script id="map-data">. Pan, zoom, click a node to open its page, colour by one of the
// nodes' properties, export as PNG. The changed thing and the paths from it are drawn in
// orange; environments are badges on the nodes they run. The map is exposed as window.mercatorMap for the end-to-end tests.
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
      var envs = (node.badges || []).map(function (b) { return b.environment; });
      return envs.length === 0 ? null : envs.join(", ");
    }
    if (mode === "distance") {
      return node.distance === null || node.distance === undefined ? null : String(node.distance);
    }
    return node[mode] === undefined ? null : node[mode];
  }

  //: Characters of a name shown on the map; the full name shows on hover and focus.
  var MAX_LABEL = 26;
  var FONT = 13;

  function truncated(text) {
    text = String(text);
    return text.length > MAX_LABEL ? text.slice(0, MAX_LABEL - 1) + "…" : text;
  }
  //: Lines of environment badges under a name, at most; the rest is counted.
  var MAX_BADGE_LINES = 3;

  function badgeText(b) { return "▣ " + b.environment + (b.version ? " " + b.version : ""); }
  // Badges wrapped at badge boundaries into lines of at most MAX_LABEL characters.
  function badgeLines(node) {
    var lines = [];
    (node.badges || []).forEach(function (b) {
      var text = truncated(badgeText(b));
      var last = lines.length - 1;
      if (last >= 0 && lines[last].length + 2 + text.length <= MAX_LABEL) lines[last] += "  " + text;
      else lines.push(text);
    });
    if (lines.length > MAX_BADGE_LINES) {
      var hidden = lines.length - MAX_BADGE_LINES + 1;
      lines = lines.slice(0, MAX_BADGE_LINES - 1).concat(["+ " + hidden + " more lines"]);
    }
    return lines;
  }
  function fullText(node) {
    var runs = (node.badges || []).map(function (b) {
      return b.environment + (b.version ? " " + b.version : "");
    });
    return node.label + (runs.length ? "\nruns in " + runs.join(", ") : "");
  }

  var elements = data.nodes.map(function (node) {
    var name = truncated(node.label);
    var badges = badgeLines(node);
    var label = [name].concat(badges).join("\n");
    var longest = Math.max.apply(null, [name].concat(badges).map(function (l) { return l.length; }));
    return {
      group: "nodes",
      data: {
        id: node.id,
        label: label,
        url: node.url,
        raw: node,
        width: Math.max(60, longest * FONT * 0.62 + 24),
        height: 30 + badges.length * 17,
      },
      classes: [
        node.highlight ? "changed" : "",
        node.member === false ? "outside" : "",
        badges.length ? "deployed" : "",
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

  var changed = data.nodes.filter(function (n) { return n.highlight; });
  // Layered (dagre): edges point from the dependent to what it needs. On a blast radius
  // the changed thing is what everything needs, so the layers run bottom to top and it
  // sits on top with its consumers below by distance; a dependency map runs top down.
  var blast = changed.length === 1 && changed[0].distance === 0;
  var layout = {
    name: "dagre",
    rankDir: blast ? "BT" : "TB",
    nodeSep: 24,
    rankSep: 70,
    edgeSep: 12,
    animate: false,
    nodeDimensionsIncludeLabels: true,
  };

  var cy = cytoscape({
    container: container,
    elements: elements,
    layout: layout,
    minZoom: 0.05,
    maxZoom: 4,
    style: [
      { selector: "node", style: {
        shape: "round-rectangle", width: "data(width)", height: "data(height)",
        "background-color": NONE, "border-width": 1, "border-color": "#6b7280",
        label: "data(label)", "font-size": FONT, "text-valign": "center",
        "text-halign": "center", "text-wrap": "wrap", "line-height": 1.3,
        color: "#111827", "min-zoomed-font-size": 0 } },
      { selector: "node.outside", style: { "border-style": "dashed" } },
      { selector: "node.changed", style: { "border-width": 4, "border-color": HIGHLIGHT } },
      { selector: "node:active, node:selected", style: { "overlay-opacity": 0.15 } },
      { selector: "node.focused", style: { "border-width": 3, "border-color": "#f59e0b" } },
      { selector: "edge", style: {
        width: 1.5, "line-color": "#9ca3af", "target-arrow-color": "#9ca3af",
        "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(label)",
        "font-size": 11, color: "#374151", "text-background-color": "#ffffff",
        "text-background-opacity": 1, "text-background-padding": 2 } },
      { selector: "edge.path", style: {
        width: 3, "line-color": HIGHLIGHT, "target-arrow-color": HIGHLIGHT } },
    ],
  });
  // Never smaller than 100 % on a map that fits at it, so labels stay readable.
  if (cy.zoom() > 1) { cy.zoom(1); cy.center(); }

  // The full name (and where it runs) of the node under the pointer or keyboard focus.
  var tip = document.createElement("div");
  tip.className = "map-tip";
  tip.setAttribute("role", "status");
  tip.hidden = true;
  container.parentNode.insertBefore(tip, container.nextSibling);
  function showTip(node) {
    tip.textContent = fullText(node.data("raw"));
    tip.hidden = false;
  }
  cy.on("mouseover", "node", function (event) { showTip(event.target); });
  cy.on("mouseout", "node", function () { tip.hidden = true; });

  // Keyboard: the map takes focus; arrow keys move between nodes, Enter opens one.
  var order = cy.nodes().sort(function (a, b) {
    return a.position("y") - b.position("y") || a.position("x") - b.position("x");
  });
  var focused = -1;
  container.tabIndex = 0;
  container.addEventListener("keydown", function (event) {
    if (["ArrowDown", "ArrowRight", "ArrowUp", "ArrowLeft", "Enter"].indexOf(event.key) < 0) return;
    event.preventDefault();
    if (event.key === "Enter") {
      if (focused >= 0) window.location.assign(order[focused].data("url"));
      return;
    }
    var step = event.key === "ArrowDown" || event.key === "ArrowRight" ? 1 : -1;
    if (focused >= 0) order[focused].removeClass("focused");
    focused = (focused + step + order.length) % order.length;
    var node = order[focused];
    node.addClass("focused");
    showTip(node);
    cy.center(node);
  });
  container.addEventListener("blur", function () { tip.hidden = true; });

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
    var someNone = false;
    cy.nodes().forEach(function (n) {
      var v = valueOf(n.data("raw"), mode);
      if (v === null) someNone = true;
      else if (values.indexOf(v) < 0) values.push(v);
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
    // Only what is on the map: "no <mode>" only when some node has none.
    values.concat(someNone ? ["none"] : []).forEach(function (v) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.backgroundColor = v === "none" ? NONE : colours[v];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(
        v === "none" ? (mode === "environment" ? "runs nowhere" : "no " + mode) : v));
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
