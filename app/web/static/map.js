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

  //: Space kept between an edge running through a layer and the nodes beside it (px).
  var CHANNEL_MARGIN = 6;
  //: Share of a node's width over which the edges leaving (or entering) one side spread.
  var SPREAD = 0.6;

  // Edges that never cross a node. dagre puts the nodes in layers (bands of equal y) but
  // Cytoscape would draw each edge straight or curved from centre to centre, through any
  // node in the way. So each edge is routed here as straight segments: it leaves its
  // source vertically, inside the source's own column, to the edge of the source's band;
  // crosses each gap between bands (where there are no nodes) in a straight line; runs
  // vertically through every band it passes, in the free channel between two nodes (or
  // beside all of them) nearest its straight course; and enters its target vertically from
  // the edge of the target's band. Its label sits in the middle of one of its gap crossings.
  function route(cy) {
    var bands = {};
    cy.nodes().forEach(function (n) {
      var key = Math.round(n.position("y"));
      var box = n.boundingBox();
      var band = bands[key] || (bands[key] = { y: key, top: Infinity, bottom: -Infinity, spans: [] });
      band.top = Math.min(band.top, box.y1);
      band.bottom = Math.max(band.bottom, box.y2);
      band.spans.push([box.x1, box.x2]);
    });
    var order = Object.keys(bands).map(function (k) { return bands[k]; })
      .sort(function (a, b) { return a.y - b.y; });
    order.forEach(function (band, index) {
      band.index = index;
      band.spans.sort(function (a, b) { return a[0] - b[0]; });
    });
    function bandOf(node) { return bands[Math.round(node.position("y"))]; }

    // The x nearest `ideal` where a vertical line through `band` touches no node.
    function channel(band, ideal) {
      var best = null;
      var left = -Infinity;
      band.spans.concat([[Infinity, Infinity]]).forEach(function (span) {
        var lo = left + CHANNEL_MARGIN, hi = span[0] - CHANNEL_MARGIN;
        if (hi < lo) { lo = hi = (left + span[0]) / 2; }
        if (span[0] > left) {
          var x = Math.min(Math.max(ideal, lo), hi);
          if (best === null || Math.abs(x - ideal) < Math.abs(best - ideal)) best = x;
        }
        left = Math.max(left, span[1]);
      });
      return best;
    }

    var routes = [];
    cy.edges().forEach(function (edge) {
      var s = edge.source(), t = edge.target();
      var from = bandOf(s), to = bandOf(t);
      if (from === to || s === t) {  // dagre never layers an edge so; drawn plainly if it did
        edge.style("curve-style", "bezier");
        return;
      }
      var down = to.index > from.index;
      var sp = s.position(), tp = t.position();
      var passes = [];
      for (var i = from.index + (down ? 1 : -1); i !== to.index; i += down ? 1 : -1) {
        var band = order[i];
        var share = (band.y - sp.y) / (tp.y - sp.y);
        var x = channel(band, sp.x + share * (tp.x - sp.x));
        passes.push({ x: x, enter: down ? band.top : band.bottom, leave: down ? band.bottom : band.top });
      }
      routes.push({
        edge: edge, passes: passes,
        leave: down ? from.bottom : from.top, enter: down ? to.top : to.bottom,
        sourceSide: s.id() + (down ? ":bottom" : ":top"),
        targetSide: t.id() + (down ? ":top" : ":bottom"),
        sourceToward: passes.length ? passes[0].x : tp.x,
        targetFrom: passes.length ? passes[passes.length - 1].x : sp.x,
      });
    });

    // The edges meeting one side of a node spread along it, in the order of where they go.
    var offsets = {};
    function spread(side, node, toward, route) {
      (offsets[side] || (offsets[side] = { node: node, list: [] })).list.push([toward, route]);
    }
    routes.forEach(function (r) {
      spread(r.sourceSide, r.edge.source(), r.sourceToward, r);
      spread(r.targetSide, r.edge.target(), r.targetFrom, r);
    });
    Object.keys(offsets).forEach(function (side) {
      var entry = offsets[side];
      var width = entry.node.width() * SPREAD;
      var list = entry.list.sort(function (a, b) { return a[0] - b[0]; });
      list.forEach(function (item, i) {
        var dx = list.length === 1 ? 0 : width * (i / (list.length - 1) - 0.5);
        item[1][side === item[1].sourceSide ? "sourceX" : "targetX"] = entry.node.position("x") + dx;
      });
    });

    cy.batch(function () {
      routes.forEach(function (r) {
        var points = [{ x: r.sourceX, y: r.leave }];
        r.passes.forEach(function (p) {
          points.push({ x: p.x, y: p.enter }, { x: p.x, y: p.leave });
        });
        points.push({ x: r.targetX, y: r.enter });
        points = labelledInTheMiddle(points);
        var sp = r.edge.source().position(), tp = r.edge.target().position();
        var dx = tp.x - sp.x, dy = tp.y - sp.y, length2 = dx * dx + dy * dy;
        var length = Math.sqrt(length2);
        // Cytoscape places segment points by a weight along the centre-to-centre line and
        // a distance off it, along (-dy, dx) normalised.
        var weights = [], distances = [];
        points.forEach(function (p) {
          var px = p.x - sp.x, py = p.y - sp.y;
          weights.push(((px * dx + py * dy) / length2).toFixed(5));
          distances.push(((px * -dy + py * dx) / length).toFixed(2));
        });
        r.edge.style({
          "segment-weights": weights.join(" "),
          "segment-distances": distances.join(" "),
        });
      });
    });
  }

  // Cytoscape puts a segments edge's label on its middle point (odd count) or halfway
  // between its two middle points (even count). Points alternate gap crossings and band
  // passes; this adds the midpoint of the middle gap crossing, and repeats points along
  // a straight stretch so that midpoint is the middle one: the label lands in a gap.
  function labelledInTheMiddle(points) {
    var crossings = points.length / 2;  // point 2k to 2k+1 crosses gap k
    var gap = Math.floor((crossings - 1) / 2);
    var a = points[2 * gap], b = points[2 * gap + 1];
    var middle = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    var before = points.slice(0, 2 * gap + 1), after = points.slice(2 * gap + 1);
    var extra = after.length - before.length;  // 0 or 2: never negative
    var last = before[before.length - 1];
    for (var i = 1; i <= extra; i++) {
      var f = i / (extra + 1);
      before.push({ x: last.x + f * (middle.x - last.x), y: last.y + f * (middle.y - last.y) });
    }
    return before.concat([middle], after);
  }

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
        "target-arrow-shape": "triangle", "curve-style": "segments",
        "edge-distances": "node-position", label: "data(label)",
        "font-size": 11, color: "#374151", "text-background-color": "#ffffff",
        "text-background-opacity": 1, "text-background-padding": 2 } },
      { selector: "edge.path", style: {
        width: 3, "line-color": HIGHLIGHT, "target-arrow-color": HIGHLIGHT } },
    ],
  });
  route(cy);
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
