/* The interactive collaboration network: a progressive enhancement of the server-drawn SVG.
 *
 * templates/network/_drawing.html marks a drawing with data-network-graph (the address of the
 * same network as JSON, network/explore.py) and _explorer.html holds the controls as an inert
 * <template>. Once Cytoscape.js has loaded and the JSON has arrived, this script puts the
 * interactive view in the figure and hides the SVG; if anything is missing or fails, the SVG
 * simply stays. No inline script or style: everything is wired here and styled by classes in
 * network.css (Cytoscape draws on a canvas).
 *
 * What it offers: zoom and pan (mouse, touch, buttons, keyboard); a search that focuses an
 * organization; hovering or focusing one highlights its partners; selecting one opens its
 * page (on a touch screen the first tap focuses it); organization kinds (the legend) and
 * clusters to filter by; a year range whose replay shows how the network grew (a link
 * appears with its first agreement's year); labels that never overlap, placed by rank and
 * more of them as you zoom; a switch back to the static drawing.
 */
(function () {
  "use strict";

  const FONT =
    '"Noto Sans KR", "Noto Sans CJK KR", "Apple SD Gothic Neo", "Malgun Gothic", system-ui, sans-serif';
  const LABEL_PX = 12; // labels keep this size on screen at every zoom
  const LABEL_OUTLINE = 2;
  const LABEL_GAP = 2; // screen pixels kept free around each label
  const PARTNERS_LISTED = 12;
  const SEARCH_RESULTS = 8;
  const REPLAY_STEP_MS = 900;
  const FIT_MAX_ZOOM = 2.5;
  const LABEL_BOUNDS = { includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false };
  const BODY_BOUNDS = { includeNodes: true, includeEdges: false, includeLabels: false, includeOverlays: false };

  const reducedMotion = () => window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (match, name) =>
      name in values ? String(values[name]) : match,
    );
  }

  function normalize(text) {
    return (text || "").toLocaleLowerCase().replace(/[\s·.,()\-_]+/g, "");
  }

  function svgSwatch(colour) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "network-swatch");
    svg.setAttribute("width", "12");
    svg.setAttribute("height", "12");
    svg.setAttribute("viewBox", "0 0 12 12");
    svg.setAttribute("aria-hidden", "true");
    const circle = document.createElementNS(ns, "circle");
    circle.setAttribute("cx", "6");
    circle.setAttribute("cy", "6");
    circle.setAttribute("r", "5");
    circle.setAttribute("fill", colour);
    svg.appendChild(circle);
    return svg;
  }

  /* Where the server drawing put each organization, by its page's address. */
  function drawnPositions(svg) {
    const positions = new Map();
    if (!svg) return positions;
    svg.querySelectorAll("a.network-node").forEach((link) => {
      const circle = link.querySelector("circle");
      if (circle) {
        positions.set(link.getAttribute("href"), {
          x: parseFloat(circle.getAttribute("cx")),
          y: parseFloat(circle.getAttribute("cy")),
        });
      }
    });
    return positions;
  }

  function elementsOf(data, positions) {
    const kindColour = new Map(data.kinds.map((kind) => [kind.kind, kind.colour]));
    const elements = [];
    let placed = 0;
    for (const node of data.nodes) {
      const element = {
        group: "nodes",
        data: {
          id: node.id,
          name: node.name,
          url: node.url,
          kind: node.kind,
          clusters: node.clusters,
          partners: node.partners,
          rank: node.rank,
          size: node.radius * 2,
          colour: kindColour.get(node.kind) || "#7f7f7f",
          search: [node.name_ko, node.name_en, node.id].map(normalize),
        },
        classes: node.id === data.highlight ? "ego" : "",
      };
      const position = positions.get(node.url);
      if (position) {
        element.position = { x: position.x, y: position.y };
        placed += 1;
      }
      elements.push(element);
    }
    for (const edge of data.edges) {
      elements.push({
        group: "edges",
        data: {
          id: `${edge.source}~${edge.target}`,
          source: edge.source,
          target: edge.target,
          weight: edge.weight,
          width: edge.width,
          firstYear: edge.first_year,
          lastYear: edge.last_year,
        },
      });
    }
    return { elements, allPlaced: data.nodes.length > 0 && placed === data.nodes.length };
  }

  /* Where the server drew every organization, the view starts from that very picture
     (deterministic, and the same as the static drawing it replaces); otherwise fCoSE lays
     the network out. */
  function layoutOptions(allPlaced) {
    if (allPlaced) return { name: "preset", fit: false };
    if (typeof window.cytoscapeFcose !== "function") return { name: "cose", animate: false, fit: false };
    return {
      name: "fcose",
      quality: "proof",
      randomize: true,
      animate: false,
      fit: false,
      packComponents: false,
      idealEdgeLength: () => 100,
      nodeRepulsion: () => 20000,
      nodeSeparation: 120,
    };
  }

  function stylesheet() {
    return [
      {
        selector: "node",
        style: {
          "background-color": "data(colour)",
          width: "data(size)",
          height: "data(size)",
          "border-width": 1.5,
          "border-color": "#ffffff",
          label: "data(name)",
          "text-opacity": 0,
          "font-family": FONT,
          "font-size": LABEL_PX,
          color: "#1f2937",
          "text-valign": "bottom",
          "text-halign": "center",
          "text-outline-color": "#ffffff",
          "text-outline-width": LABEL_OUTLINE,
          "overlay-opacity": 0,
        },
      },
      // Labelled organizations, and so their labels, are drawn over the others.
      { selector: "node.labelled", style: { "text-opacity": 1, "z-index": 5 } },
      { selector: "node.ego", style: { "border-width": 3, "border-color": "#111827" } },
      {
        selector: "node.focused",
        style: { "border-width": 4, "border-color": "#f2a900", "z-index": 9 },
      },
      {
        selector: "edge",
        style: {
          width: "data(width)",
          "line-color": "#9ca3af",
          opacity: 0.7,
          "curve-style": "haystack",
          "haystack-radius": 0,
        },
      },
      { selector: "edge.near", style: { "line-color": "#374151", opacity: 1, "z-index": 5 } },
      { selector: ".faded", style: { opacity: 0.15 } },
      { selector: "edge.faded", style: { opacity: 0.08 } },
      { selector: ".filtered", style: { display: "none" } },
    ];
  }

  class Explorer {
    constructor(figure, template, data) {
      this.figure = figure;
      this.data = data;
      this.svg = figure.querySelector("svg.network-graph");
      this.root = template.content.firstElementChild.cloneNode(true);
      this.text = this.root.dataset;
      this.find = (selector) => this.root.querySelector(selector);
      this.canvas = this.find(".network-canvas");
      this.hovered = null;
      this.focused = null;
      this.kindsShown = new Set(data.kinds.map((kind) => kind.kind));
      this.cluster = "";
      this.years = data.years ? { min: data.years[0], max: data.years[1] } : null;
      this.from = this.years ? this.years.min : null;
      this.to = this.years ? this.years.max : null;
      this.replay = null;
      this.labelFrame = null;
      this.labelZoom = null;
    }

    mount() {
      this.figure.insertBefore(this.root, this.figure.firstChild);
      this.figure.classList.add("is-interactive");
      const { elements, allPlaced } = elementsOf(this.data, drawnPositions(this.svg));
      this.cy = window.cytoscape({
        container: this.canvas,
        elements,
        style: stylesheet(),
        layout: { name: "preset", fit: false },
        minZoom: 0.1,
        maxZoom: 8,
        boxSelectionEnabled: false,
        autoungrabify: true,
        selectionType: "single",
      });
      const layout = layoutOptions(allPlaced);
      this.cy.layout(layout).run();
      this.figure.dataset.networkLayout = layout.name;
      this.fit();
      this.byRank = this.cy.nodes().sort((a, b) => a.data("rank") - b.data("rank"));
      this.wireGraph();
      this.wireControls();
      this.applyFilters();
      this.figure.dataset.networkState = "ready";
      // For tests and the console: the graph and the view's own actions.
      this.figure.networkExplorer = this;
    }

    /* ------------------------------------------------------------- the graph */

    wireGraph() {
      const cy = this.cy;
      cy.on("mouseover", "node", (event) => {
        this.hovered = event.target;
        this.canvas.classList.add("is-pointing");
        this.highlight();
      });
      cy.on("mouseout", "node", () => {
        this.hovered = null;
        this.canvas.classList.remove("is-pointing");
        this.highlight();
      });
      cy.on("tap", "node", (event) => {
        const node = event.target;
        const touch = typeof TouchEvent !== "undefined" && event.originalEvent instanceof TouchEvent;
        if (touch && this.focused !== node) {
          this.focus(node, { move: false });
        } else {
          this.open(node);
        }
      });
      cy.on("tap", (event) => {
        if (event.target === cy) this.clearFocus();
      });
      cy.on("tapstart", () => this.canvas.focus({ preventScroll: true }));
      cy.on("viewport resize", () => this.scheduleLabels());

      // Scrolling the page over the drawing scrolls the page: the wheel zooms only with Ctrl
      // (or a trackpad's pinch) or once the drawing has the focus.
      this.find(".network-stage").addEventListener(
        "wheel",
        (event) => {
          if (!(event.ctrlKey || event.metaKey || document.activeElement === this.canvas)) {
            event.stopPropagation();
          }
        },
        { capture: true, passive: true },
      );
      this.canvas.addEventListener("keydown", (event) => this.onKey(event));
      this.find(".network-zoom-in").addEventListener("click", () => this.zoomBy(1.4));
      this.find(".network-zoom-out").addEventListener("click", () => this.zoomBy(1 / 1.4));
      this.find(".network-zoom-fit").addEventListener("click", () => this.fit());
    }

    onKey(event) {
      const step = 60;
      const moves = {
        ArrowLeft: { x: step, y: 0 },
        ArrowRight: { x: -step, y: 0 },
        ArrowUp: { x: 0, y: step },
        ArrowDown: { x: 0, y: -step },
      };
      if (moves[event.key]) {
        this.cy.panBy(moves[event.key]);
      } else if (event.key === "+" || event.key === "=") {
        this.zoomBy(1.4);
      } else if (event.key === "-" || event.key === "_") {
        this.zoomBy(1 / 1.4);
      } else if (event.key === "0" || event.key === "Home") {
        this.fit();
      } else if (event.key === "Enter" && this.focused) {
        this.open(this.focused);
      } else if (event.key === "Escape") {
        this.clearFocus();
      } else {
        return;
      }
      event.preventDefault();
    }

    zoomBy(factor) {
      const cy = this.cy;
      cy.zoom({
        level: Math.min(cy.maxZoom(), Math.max(cy.minZoom(), cy.zoom() * factor)),
        renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 },
      });
    }

    /* Fit the organizations shown to the drawing, leaving room for the labels at its sides
       and the zoom buttons. Not cy.fit(): it would count the hidden labels, which keep their
       size on screen and so grow as the view zooms out. */
    fit() {
      const cy = this.cy;
      const shown = cy.nodes().filter((node) => !node.hasClass("filtered"));
      if (!shown.length) return;
      const pad = { left: 12, right: 56, top: 16, bottom: 16 + LABEL_PX * 1.5 };
      const width = cy.width() - pad.left - pad.right;
      const height = cy.height() - pad.top - pad.bottom;
      const box = shown.boundingBox({ includeLabels: false, includeOverlays: false });
      const fitted = Math.min(width / (box.w || 1), height / (box.h || 1), FIT_MAX_ZOOM);
      // Half of each label's width on screen (the same at any zoom), up to half the drawing.
      this.sizeLabels();
      const points = shown.map((node) => ({
        x: node.position("x"),
        half: Math.min(node.renderedBoundingBox(LABEL_BOUNDS).w / 2, width / 2),
      }));
      points.sort((a, b) => a.x - b.x);
      // Two organizations side by side fit with their labels when their distance on screen
      // and their labels' halves fit the width; shrink for that, by half at most for a small
      // network (whose every label should show), a fifth for a larger one.
      let zoom = fitted;
      for (let i = 0; i < points.length; i += 1) {
        for (let j = i + 1; j < points.length; j += 1) {
          const apart = points[j].x - points[i].x;
          if (apart > 0) zoom = Math.min(zoom, (width - points[i].half - points[j].half) / apart);
        }
      }
      const least = fitted * (points.length <= 12 ? 0.5 : 0.8);
      zoom = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), zoom, least));
      let low = -Infinity;
      let high = Infinity;
      for (const point of points) {
        low = Math.max(low, pad.left + point.half - point.x * zoom);
        high = Math.min(high, pad.left + width - point.half - point.x * zoom);
      }
      const centred = pad.left + width / 2 - (box.x1 + box.w / 2) * zoom;
      this.fittedZoom = zoom;
      cy.viewport({
        zoom,
        pan: {
          x: low <= high ? Math.min(high, Math.max(low, centred)) : centred,
          y: pad.top + height / 2 - (box.y1 + box.h / 2) * zoom,
        },
      });
    }

    open(node) {
      window.location.assign(node.data("url"));
    }

    /* The focused (or hovered) organization and its partners stand out; the rest fade. */
    highlight() {
      const cy = this.cy;
      const centre = this.hovered || this.focused;
      cy.batch(() => {
        cy.elements().removeClass("faded near focused");
        if (this.focused) this.focused.addClass("focused");
        if (centre) {
          const near = centre.closedNeighborhood();
          cy.elements().not(near).addClass("faded");
          centre.connectedEdges().addClass("near");
        }
      });
      this.scheduleLabels();
    }

    focus(node, { move = true } = {}) {
      if (node.hasClass("filtered")) {
        this.resetFilters();
        this.setStatusNote(this.text.filtersReset);
      }
      this.focused = node;
      this.figure.dataset.focused = node.id();
      this.highlight();
      this.showDetails(node);
      if (move) this.centreOn(node);
    }

    centreOn(node) {
      const cy = this.cy;
      // Closer than the whole network, enough to tell its partners apart.
      const zoom = Math.max(cy.zoom(), Math.min(2, (this.fittedZoom || 1) * 2.5));
      const position = node.position();
      const pan = { x: cy.width() / 2 - position.x * zoom, y: cy.height() / 2 - position.y * zoom };
      cy.stop();
      if (reducedMotion()) {
        cy.viewport({ zoom, pan });
      } else {
        cy.animate({ zoom, pan }, { duration: 350 });
      }
    }

    clearFocus() {
      if (!this.focused) return;
      this.focused = null;
      delete this.figure.dataset.focused;
      this.find(".network-details").hidden = true;
      this.highlight();
    }

    showDetails(node) {
      const details = this.find(".network-details");
      const link = details.querySelector(".network-details-name a");
      link.textContent = node.data("name");
      link.href = node.data("url");
      const kind = this.data.kinds.find((item) => item.kind === node.data("kind"));
      details.querySelector(".network-details-facts").textContent = format(this.text.facts, {
        kind: kind ? kind.label : node.data("kind"),
        partners: node.data("partners"),
      });
      const list = details.querySelector(".network-details-partners");
      list.replaceChildren();
      const partners = node
        .connectedEdges()
        .filter((edge) => !edge.hasClass("filtered"))
        .map((edge) => ({ edge, partner: edge.source().same(node) ? edge.target() : edge.source() }))
        .sort(
          (a, b) =>
            b.edge.data("weight") - a.edge.data("weight") ||
            a.partner.data("rank") - b.partner.data("rank"),
        );
      for (const { edge, partner } of partners.slice(0, PARTNERS_LISTED)) {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "network-partner";
        button.textContent = partner.data("name");
        button.addEventListener("click", () => this.focus(partner));
        item.append(button, ` (${format(this.text.shared, { count: edge.data("weight") })})`);
        list.appendChild(item);
      }
      if (partners.length > PARTNERS_LISTED) {
        const more = document.createElement("li");
        more.textContent = format(this.text.more, { count: partners.length - PARTNERS_LISTED });
        list.appendChild(more);
      }
      details.querySelector(".network-details-partners-label").hidden = partners.length === 0;
      details.hidden = false;
    }

    /* ------------------------------------------------------------- labels */

    scheduleLabels() {
      if (this.labelFrame !== null) return;
      this.labelFrame = window.requestAnimationFrame(() => {
        this.labelFrame = null;
        this.placeLabels();
      });
    }

    /* Font sizes follow the zoom so that labels keep their size on screen. Set as values
       (not computed by a function in the stylesheet), so that Cytoscape measures the labels
       again instead of drawing them in boxes measured at another size. */
    sizeLabels() {
      const zoom = this.cy.zoom();
      if (zoom === this.labelZoom) return;
      this.labelZoom = zoom;
      this.cy.nodes().style({
        "font-size": LABEL_PX / zoom,
        "text-outline-width": LABEL_OUTLINE / zoom,
      });
    }

    /* Labels are placed greedily in order of importance (the focused or hovered organization,
       its partners, the ego, then everyone by rank) and a label is shown only where it
       overlaps none already placed: they never overlap, the best connected come first, and
       as you zoom in the organizations spread apart and more labels fit. Every node carries
       its label, transparent until placed, so Cytoscape measures each box as it draws it. */
    placeLabels() {
      const cy = this.cy;
      const width = cy.width();
      const height = cy.height();
      const centre = this.hovered || this.focused;
      const order = [];
      const seen = new Set();
      const add = (node) => {
        if (!seen.has(node.id())) {
          seen.add(node.id());
          order.push(node);
        }
      };
      if (centre) {
        add(centre);
        centre
          .neighborhood("node")
          .sort((a, b) => a.data("rank") - b.data("rank"))
          .forEach(add);
      }
      cy.nodes(".ego").forEach(add);
      this.byRank.forEach(add);

      this.sizeLabels();
      const near = centre ? centre.closedNeighborhood() : null;
      // The zoom buttons lie over the drawing: nothing is labelled under them.
      const stage = this.canvas.getBoundingClientRect();
      const buttons = this.find(".network-zoom").getBoundingClientRect();
      const placed = [
        {
          x1: buttons.left - stage.left,
          x2: buttons.right - stage.left,
          y1: buttons.top - stage.top,
          y2: buttons.bottom - stage.top,
        },
      ];
      const labelled = new Set();
      const overlaps = (box) =>
        placed.some((other) => box.x1 < other.x2 && other.x1 < box.x2 && box.y1 < other.y2 && other.y1 < box.y2);
      for (const node of order) {
        // While one organization is highlighted, the faded others stay unlabelled.
        if (node.hasClass("filtered") || (near && !near.contains(node))) continue;
        const label = node.renderedBoundingBox(LABEL_BOUNDS);
        const box = {
          x1: label.x1 - LABEL_GAP,
          x2: label.x2 + LABEL_GAP,
          y1: label.y1 - LABEL_GAP,
          y2: label.y2 + LABEL_GAP,
        };
        // Only whole labels: one cut by the edge of the drawing is left for when it fits.
        if (box.x1 < 0 || box.x2 > width || box.y1 < 0 || box.y2 > height) continue;
        // Nor over the circle of another labelled organization, drawn at the same level.
        const body = node.renderedBoundingBox(BODY_BOUNDS);
        if (overlaps(box) || overlaps(body)) continue;
        placed.push(box, body);
        labelled.add(node.id());
      }
      cy.batch(() => {
        cy.nodes().forEach((node) => {
          const show = labelled.has(node.id());
          if (show !== node.hasClass("labelled")) node.toggleClass("labelled", show);
        });
      });
    }

    /* ------------------------------------------------------------- controls */

    wireControls() {
      this.wireSearch();
      this.wireKinds();
      this.wireClusters();
      this.wireYears();
      const toggle = this.root.querySelector(".network-switch");
      toggle.addEventListener("click", () => {
        const toStatic = this.figure.classList.contains("is-interactive");
        this.stopReplay();
        this.figure.classList.toggle("is-interactive", !toStatic);
        this.figure.classList.toggle("is-static", toStatic);
        toggle.textContent = toStatic ? this.text.showInteractive : this.text.showStatic;
        if (!toStatic) {
          this.cy.resize();
          this.fit();
        }
      });
    }

    wireSearch() {
      const input = this.find(".network-search-input");
      const results = this.find(".network-search-results");
      let matches = [];
      const choose = (node) => {
        results.hidden = true;
        input.value = node.data("name");
        this.focus(node);
      };
      const render = () => {
        const query = normalize(input.value);
        results.replaceChildren();
        if (!query) {
          results.hidden = true;
          matches = [];
          return;
        }
        matches = this.cy
          .nodes()
          .filter((node) => node.data("search").some((text) => text.includes(query)))
          .sort((a, b) => {
            const prefix = (node) => (node.data("search").some((text) => text.startsWith(query)) ? 0 : 1);
            return prefix(a) - prefix(b) || a.data("rank") - b.data("rank");
          })
          .slice(0, SEARCH_RESULTS);
        if (!matches.length) {
          const item = document.createElement("li");
          item.className = "network-no-match";
          item.textContent = this.text.noMatch;
          results.appendChild(item);
        }
        for (const node of matches) {
          const item = document.createElement("li");
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = node.data("name");
          button.addEventListener("click", () => choose(node));
          item.appendChild(button);
          results.appendChild(item);
        }
        results.hidden = false;
      };
      input.addEventListener("input", render);
      const search = this.find(".network-search");
      document.addEventListener("pointerdown", (event) => {
        if (!search.contains(event.target)) results.hidden = true;
      });
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          if (!matches.length) render();
          if (matches.length) choose(matches[0]);
        } else if (event.key === "ArrowDown" && !results.hidden) {
          const first = results.querySelector("button");
          if (first) {
            event.preventDefault();
            first.focus();
          }
        } else if (event.key === "Escape") {
          results.hidden = true;
        }
      });
      results.addEventListener("keydown", (event) => {
        const buttons = Array.from(results.querySelectorAll("button"));
        const index = buttons.indexOf(document.activeElement);
        if (event.key === "ArrowDown" && index < buttons.length - 1) {
          buttons[index + 1].focus();
        } else if (event.key === "ArrowUp") {
          (index > 0 ? buttons[index - 1] : input).focus();
        } else if (event.key === "Escape") {
          results.hidden = true;
          input.focus();
        } else {
          return;
        }
        event.preventDefault();
      });
    }

    wireKinds() {
      const list = this.find(".network-kinds");
      const counts = new Map();
      this.cy.nodes().forEach((node) => counts.set(node.data("kind"), (counts.get(node.data("kind")) || 0) + 1));
      for (const kind of this.data.kinds) {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "network-kind";
        button.dataset.kind = kind.kind;
        button.setAttribute("aria-pressed", "true");
        button.append(svgSwatch(kind.colour), ` ${kind.label} (${counts.get(kind.kind) || 0})`);
        button.addEventListener("click", () => {
          const shown = !this.kindsShown.has(kind.kind);
          if (shown) this.kindsShown.add(kind.kind);
          else this.kindsShown.delete(kind.kind);
          button.setAttribute("aria-pressed", String(shown));
          this.applyFilters();
        });
        item.appendChild(button);
        list.appendChild(item);
      }
    }

    wireClusters() {
      const select = this.find(".network-cluster-select");
      if (this.data.clusters.length < 2) {
        this.find(".network-cluster-filter").hidden = true;
        return;
      }
      for (const cluster of this.data.clusters) {
        const option = document.createElement("option");
        option.value = cluster.slug;
        option.textContent = cluster.name;
        select.appendChild(option);
      }
      select.addEventListener("change", () => {
        this.cluster = select.value;
        this.applyFilters();
      });
    }

    wireYears() {
      const fieldset = this.find(".network-years");
      if (!this.years || this.years.min === this.years.max) {
        fieldset.hidden = true;
        return;
      }
      const from = this.find(".network-year-from");
      const to = this.find(".network-year-to");
      for (const input of [from, to]) {
        input.min = String(this.years.min);
        input.max = String(this.years.max);
      }
      from.value = String(this.from);
      to.value = String(this.to);
      from.addEventListener("input", () => {
        this.stopReplay();
        this.setYears(Number(from.value), Math.max(Number(from.value), this.to));
      });
      to.addEventListener("input", () => {
        this.stopReplay();
        this.setYears(Math.min(this.from, Number(to.value)), Number(to.value));
      });
      this.find(".network-play").addEventListener("click", () => {
        if (this.replay) this.stopReplay();
        else this.startReplay();
      });
    }

    setYears(from, to) {
      this.from = from;
      this.to = to;
      const fromInput = this.find(".network-year-from");
      const toInput = this.find(".network-year-to");
      fromInput.value = String(from);
      toInput.value = String(to);
      this.applyFilters();
    }

    /* The network as it grew: every link appears in the year of its first agreement. */
    startReplay() {
      const button = this.find(".network-play");
      button.setAttribute("aria-pressed", "true");
      button.textContent = this.text.pause;
      this.setYears(this.years.min, this.to >= this.years.max ? this.years.min : this.to);
      this.replay = window.setInterval(() => {
        if (this.to >= this.years.max) {
          this.stopReplay();
          return;
        }
        this.setYears(this.years.min, this.to + 1);
      }, REPLAY_STEP_MS);
    }

    stopReplay() {
      if (!this.replay) return;
      window.clearInterval(this.replay);
      this.replay = null;
      const button = this.find(".network-play");
      button.setAttribute("aria-pressed", "false");
      button.textContent = this.text.play;
    }

    resetFilters() {
      this.kindsShown = new Set(this.data.kinds.map((kind) => kind.kind));
      this.root.querySelectorAll(".network-kind").forEach((button) => button.setAttribute("aria-pressed", "true"));
      this.cluster = "";
      this.find(".network-cluster-select").value = "";
      this.stopReplay();
      if (this.years) this.setYears(this.years.min, this.years.max);
      else this.applyFilters();
    }

    /* Shown: organizations of the chosen kinds and cluster, and, within a year range, those
       with a link in it; links between shown organizations whose years meet the range (an
       undated link only when the range covers every year). The ego is always shown. */
    applyFilters() {
      const cy = this.cy;
      const allYears = !this.years || (this.from <= this.years.min && this.to >= this.years.max);
      const passes = (node) =>
        this.kindsShown.has(node.data("kind")) &&
        (!this.cluster || node.data("clusters").includes(this.cluster));
      const inYears = (edge) => {
        if (allYears) return true;
        const first = edge.data("firstYear");
        const last = edge.data("lastYear");
        return first !== null && first <= this.to && last >= this.from;
      };
      const shownEdges = new Set();
      const linked = new Set();
      cy.edges().forEach((edge) => {
        if (inYears(edge) && passes(edge.source()) && passes(edge.target())) {
          shownEdges.add(edge.id());
          linked.add(edge.source().id());
          linked.add(edge.target().id());
        }
      });
      let nodesShown = 0;
      cy.batch(() => {
        cy.nodes().forEach((node) => {
          const shown =
            node.hasClass("ego") || (passes(node) && (allYears || linked.has(node.id())));
          node.toggleClass("filtered", !shown);
          if (shown) nodesShown += 1;
        });
        cy.edges().forEach((edge) => edge.toggleClass("filtered", !shownEdges.has(edge.id())));
      });
      if (this.focused && this.focused.hasClass("filtered")) this.clearFocus();
      else if (this.focused) this.showDetails(this.focused);
      const output = this.find(".network-year-output");
      if (this.years) {
        output.textContent = allYears
          ? this.text.allYears
          : this.from === this.to
            ? String(this.from)
            : `${this.from}–${this.to}`;
      }
      this.find(".network-status").textContent = format(this.text.status, {
        shown: nodesShown,
        total: cy.nodes().length,
        links: shownEdges.size,
      });
      this.highlight();
    }

    setStatusNote(note) {
      const status = this.find(".network-status");
      status.textContent = `${status.textContent} ${note}`;
    }
  }

  async function enhance(figure) {
    const template = document.querySelector("template.network-explorer-template");
    if (!template || figure.dataset.networkState) return;
    figure.dataset.networkState = "loading";
    try {
      const response = await fetch(figure.dataset.networkGraph, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      const data = await response.json();
      if (!data.nodes || !data.nodes.length) {
        figure.dataset.networkState = "static";
        return;
      }
      new Explorer(figure, template, data).mount();
    } catch (error) {
      // The static drawing stays, as without JavaScript.
      figure.dataset.networkState = "failed";
      figure.classList.remove("is-interactive");
      const explorer = figure.querySelector(".network-interactive");
      if (explorer) explorer.remove();
      if (window.console) window.console.warn("Interactive network unavailable:", error);
    }
  }

  function start() {
    if (typeof window.cytoscape !== "function") return; // the library did not load
    document.querySelectorAll("figure[data-network-graph]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
