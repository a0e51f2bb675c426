/* The link chart (/graph): Cytoscape.js draws the neighbourhood the server sent; the time slider
   re-reads each relation's status at the chosen month from the windows the server computed
   (kg/serve/link_chart.py): surely held is solid, may have held is dashed, the rest is hidden.
   Nothing is loaded from the network but this server's own /graph.json. */
(function () {
  "use strict";
  var box = document.getElementById("chart");
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var slider = document.getElementById("slider");
  var atInput = document.getElementById("at");
  var table = document.getElementById("graph-table");
  var foci = data.foci.slice();
  var current = {at: data.at, first: data.first, last: data.last};

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function monthAt(i) {
    var parts = slider.dataset.start.split("-");
    var index = Number(parts[0]) * 12 + Number(parts[1]) - 1 + Number(i);
    var year = Math.floor(index / 12), month = index % 12 + 1;
    var lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
    var at = year + "-" + pad(month);
    return {at: at, first: at + "-01", last: at + "-" + pad(lastDay)};
  }

  // kg.dates.Interval.status_between over the two windows: ISO dates compare as strings; null is unbounded
  function holds(rel, first, last) {
    var may = rel.may, surely = rel.surely;
    if ((may[0] !== null && may[0] > last) || (may[1] !== null && may[1] < first)) { return "absent"; }
    return surely && surely[0] <= first && surely[1] >= last ? "certain" : "possible";
  }

  var cy = cytoscape({
    container: box,
    style: [
      {selector: "node", style: {"label": "data(label)", "font-size": 12, "text-wrap": "ellipsis", "text-max-width": 140,
        "text-valign": "bottom", "text-margin-y": 3, "color": "#222", "width": 18, "height": 18,
        "background-color": "#bbbbbb", "min-zoomed-font-size": 7,
        "text-background-color": "#ffffff", "text-background-opacity": 0.75}},
      {selector: "node.Organization", style: {"shape": "round-rectangle", "background-color": "#4477aa", "width": 26}},
      {selector: "node.Person", style: {"shape": "ellipse", "background-color": "#ee6677"}},
      {selector: "node.Attack", style: {"shape": "diamond", "background-color": "#ccbb44", "width": 22, "height": 22}},
      {selector: "node.Location, node.Other", style: {"shape": "hexagon", "background-color": "#66ccee"}},
      {selector: "node.focus", style: {"border-width": 3, "border-color": "#000000", "font-weight": "bold"}},
      {selector: "node.hidden", style: {"display": "none"}},
      {selector: "edge", style: {"curve-style": "bezier", "target-arrow-shape": "triangle", "arrow-scale": 0.9,
        "width": 2, "label": "data(relation)", "font-size": 10, "text-rotation": "autorotate", "color": "#333",
        "min-zoomed-font-size": 7, "text-background-color": "#ffffff", "text-background-opacity": 0.8}},
      {selector: "edge.certain", style: {"line-color": "#1b7a52", "target-arrow-color": "#1b7a52",
        "line-style": "solid", "width": 3}},
      {selector: "edge.possible", style: {"line-color": "#b36b00", "target-arrow-color": "#b36b00",
        "line-style": "dashed", "line-dash-pattern": [6, 4]}},
      {selector: "edge.absent", style: {"display": "none"}}
    ]
  });

  function elements(d, around) {
    var out = [], fresh = d.nodes.filter(function (n) { return cy.getElementById(n.id).empty(); });
    fresh.forEach(function (n, i) {  // start on a circle around the clicked node: the layout is then repeatable
      var angle = 2 * Math.PI * i / Math.max(fresh.length, 1), radius = n.focus && !around ? 0 : 60 + 4 * fresh.length;
      out.push({group: "nodes", data: {id: n.id, label: n.label, type: n.type},
        classes: n.type + (n.focus ? " focus" : ""),
        position: {x: (around ? around.x : 0) + radius * Math.cos(angle), y: (around ? around.y : 0) + radius * Math.sin(angle)}});
    });
    d.edges.forEach(function (e) {
      if (cy.getElementById(e.id).empty()) {
        out.push({group: "edges", data: {id: e.id, source: e.source, target: e.target, relation: e.relation, rel: e}});
        if (!table.querySelector('tr[data-edge="' + CSS.escape(e.id) + '"]')) { table.appendChild(row(e, d)); }
      }
    });
    return out;
  }

  function link(id, text) {
    var a = document.createElement("a");
    a.href = "/id/" + encodeURIComponent(id);
    a.textContent = text;
    return a;
  }

  function row(e, d) {  // a table row for a relation added by a click, like the server's rows
    var names = {};
    d.nodes.forEach(function (n) { names[n.id] = n.label; });
    var tr = document.createElement("tr");
    tr.dataset.edge = e.id;
    var cells = [link(e.source, names[e.source] || e.source), e.relation, link(e.target, names[e.target] || e.target),
      e.start, e.end, e.holds, e.status, null];
    cells.forEach(function (value, i) {
      var td = document.createElement("td");
      if (value instanceof Node) { td.appendChild(value); } else if (value !== null) { td.textContent = value; }
      if (i === 5) { td.className = "holds"; }
      if (i === 7) { e.facts.forEach(function (f) { td.appendChild(link(f, f)); td.appendChild(document.createTextNode(" ")); }); }
      tr.appendChild(td);
    });
    return tr;
  }

  function query() {
    return foci.map(function (f) { return "focus=" + encodeURIComponent(f); }).join("&") +
      "&at=" + encodeURIComponent(current.at);
  }

  function apply(w) {
    current = w;
    cy.batch(function () {
      cy.edges().forEach(function (edge) {
        var h = holds(edge.data("rel"), w.first, w.last);
        edge.data("holds", h);
        edge.removeClass("certain possible absent").addClass(h);
      });
      cy.nodes().forEach(function (node) {
        var seen = node.hasClass("focus") || node.connectedEdges().some(function (e) { return !e.hasClass("absent"); });
        node.toggleClass("hidden", !seen);
      });
    });
    table.querySelectorAll("tr[data-edge]").forEach(function (tr) {
      var edge = cy.getElementById(tr.dataset.edge);
      var h = edge.data("holds");
      tr.hidden = h === "absent";
      var cell = tr.querySelector("td.holds");
      cell.textContent = h;
      cell.className = "holds " + h;
    });
    document.getElementById("held-count").textContent = cy.edges().filter(function (e) { return !e.hasClass("absent"); }).length;
    document.getElementById("certain-count").textContent = cy.edges(".certain").length;
    document.getElementById("all-count").textContent = cy.edges().length;
    document.getElementById("at-shown").textContent = w.at;
    document.querySelectorAll(".at-shown").forEach(function (el) { el.textContent = w.at; });
    atInput.value = w.at;
    ["svg", "graphml", "json"].forEach(function (kind) {
      document.getElementById("export-" + kind).href = "/graph." + kind + "?" + query();
    });
    history.replaceState(null, "", "/graph?" + query());
  }

  function layout(fit, first) {  // before apply(): a layout leaves out what is hidden
    var n = cy.nodes().length;
    // fCoSE: a spectral start, then forces; past a few hundred nodes only the spectral draft, which keeps
    // the first render quick (bench/linkchart_render.py). Greedy sampling keeps the layout repeatable.
    return cy.layout({name: "fcose", animate: false, fit: fit, padding: 30, randomize: first,
      quality: n > 200 ? "draft" : "default", samplingType: false, nodeSeparation: 90, nodeDimensionsIncludeLabels: n <= 200,
      idealEdgeLength: function () { return 150; }, nodeRepulsion: function () { return 30000; }});
  }

  function expand(id) {
    if (foci.indexOf(id) >= 0) { return; }
    fetch("/graph.json?focus=" + encodeURIComponent(id) + "&at=" + encodeURIComponent(current.at))
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d) { return; }
        foci.push(id);
        cy.getElementById(id).addClass("focus");
        cy.add(elements(d, cy.getElementById(id).position()));
        cy.elements().removeClass("hidden absent");  // every entity is laid out, whatever the date hides
        layout(false, false).run();
        apply(current);
        box.dataset.foci = foci.join(" ");
      });
  }

  cy.one("render", function () {
    box.dataset.renderMs = performance.now().toFixed(0);  // since navigation started
    box.dataset.status = "ready";
  });
  cy.add(elements(data));
  layout(true, cy.nodes().length > 200).run();  // from the circle, small graphs lay out the same each time
  apply(current);
  box.dataset.foci = foci.join(" ");

  cy.on("tap", "node", function (ev) { expand(ev.target.id()); });
  cy.on("dbltap", "node", function (ev) { window.location.href = "/id/" + encodeURIComponent(ev.target.id()); });
  slider.addEventListener("input", function () { apply(monthAt(slider.value)); });
  document.getElementById("export-png").addEventListener("click", function () {
    this.href = URL.createObjectURL(cy.png({output: "blob", full: true, scale: 2, bg: "#ffffff"}));
    this.download = "link-chart-" + current.at + ".png";
  });

  window.kgLinkChart = {cy: cy, holds: holds, apply: apply, monthAt: monthAt, expand: expand};
}());
