// vae explore: the page behind `vae explore`. Plain JavaScript, no build step; the API is described in docs/explore.md.
"use strict";

const palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
const state = { info: null, z: [], loaded: new Set(), startInput: null };

const $ = (id) => document.getElementById(id);

function labelColor(label) {
  if (label === null || label === undefined) return palette[0];
  return label < palette.length ? palette[label] : `hsl(${(label * 47) % 360} 65% 60%)`;
}

// Fetches an API path; a refused request throws the server's message (problem+json "detail").
async function api(path, body) {
  const init = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(path, init);
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try { detail = (await response.json()).detail || detail; } catch { /* not JSON */ }
    throw new Error(detail);
  }
  return (response.headers.get("Content-Type") || "").startsWith("image/png") ? response.blob() : response.json();
}

function showError(error) {
  const summary = $("summary");
  summary.textContent = `error: ${error.message}`;
  summary.classList.add("error");
}

// Puts a decoded result in a container: a PNG, or for table rows a table of values (one column per item).
function show(container, result, headings) {
  const version = Number(container.dataset.version || 0) + 1;
  if (result instanceof Blob) {
    let img = container.querySelector("img");
    if (!img) { img = document.createElement("img"); container.replaceChildren(img); }
    const old = img.src;
    img.onload = () => { if (old.startsWith("blob:")) URL.revokeObjectURL(old); container.dataset.version = version; };
    img.src = URL.createObjectURL(result);
    return;
  }
  container.replaceChildren(valueTable(result.values, headings));
  container.dataset.version = version;
}

function valueTable(rows, headings) {
  const table = document.createElement("table");
  table.className = "values";
  const head = table.createTHead().insertRow();
  ["column", ...(headings || rows.map((_, i) => `#${i}`))].forEach((text) => { const th = document.createElement("th"); th.textContent = text; head.appendChild(th); });
  const body = table.createTBody();
  state.info.columnNames.forEach((name, column) => {
    const row = body.insertRow();
    row.insertCell().textContent = name;
    rows.forEach((values) => { row.insertCell().textContent = Number(values[column]).toPrecision(4); });
  });
  return table;
}

// Runs an async task at most once at a time; calls made meanwhile collapse into one run afterwards, with the latest state.
function coalesced(task) {
  let running = false;
  let again = false;
  return async function run() {
    if (running) { again = true; return; }
    running = true;
    try { await task(); } catch (error) { showError(error); } finally { running = false; }
    if (again) { again = false; run(); }
  };
}

// ---- Sliders -------------------------------------------------------------------------------------------------------
const decodeSliders = coalesced(async () => {
  const result = await api("/api/decode", { z: state.z });
  const start = state.startInput;
  if (start && !(result instanceof Blob)) {
    // A table row is read against the row the sliders started from: decoded values beside the input.
    show($("slider-output"), { values: [result.values[0], start.values] }, ["decoded", `input #${start.index}`]);
  } else {
    show($("slider-output"), result, ["decoded"]);
  }
});

function buildSliders() {
  const { info } = state;
  state.z = new Array(info.latentSize).fill(0);
  const box = $("sliders");
  box.replaceChildren();
  info.dimensionsByUse.forEach((dimension) => {
    const row = document.createElement("div");
    row.className = "slider";
    row.innerHTML = `<span>z ${dimension} <span class="kl">KL ${info.klPerDimension[dimension].toFixed(2)}</span></span>`
      + `<input type="range" min="-3" max="3" step="0.01" value="0" data-dimension="${dimension}" aria-label="latent dimension ${dimension}">`
      + `<output>0.00</output>`;
    const input = row.querySelector("input");
    input.addEventListener("input", () => {
      state.z[dimension] = Number(input.value);
      row.querySelector("output").textContent = Number(input.value).toFixed(2);
      decodeSliders();
    });
    box.appendChild(row);
  });
}

function setSliders(values) {
  state.z = values.map(Number);
  document.querySelectorAll("#sliders input").forEach((input) => {
    const value = state.z[Number(input.dataset.dimension)];
    input.value = value;
    input.parentElement.querySelector("output").textContent = value.toFixed(2);
  });
  decodeSliders();
}

async function startFromExample() {
  const index = $("start-index").value;
  const item = await api(`/api/items/${encodeURIComponent(index)}`);
  state.startInput = state.info.isTable ? { index: item.index, values: (await api(`/api/items/${item.index}/input`)).values[0] } : null;
  setSliders(item.mean);
}

// ---- Map -----------------------------------------------------------------------------------------------------------
const map = { points: null, screen: [], hovered: -1, selected: -1 };

async function loadMap() {
  const axes = $("map-axes").value;
  $("map-x").disabled = $("map-y").disabled = axes !== "dims";
  const query = axes === "dims" ? `?x=${encodeURIComponent($("map-x").value)}&y=${encodeURIComponent($("map-y").value)}` : "";
  const started = performance.now();
  map.points = await api(`/api/map${query}`);
  drawMap();
  const canvas = $("map-canvas");
  canvas.dataset.points = map.points.x.length;
  $("map-status").textContent = `${map.points.x.length} test examples (μ), ${map.points.xAxis} × ${map.points.yAxis}, loaded in ${Math.round(performance.now() - started)} ms`;
}

function drawMap() {
  const canvas = $("map-canvas");
  const context = canvas.getContext("2d");
  const { x, y, labels } = map.points;
  const margin = 16;
  const bounds = (values) => values.reduce(([low, high], v) => [Math.min(low, v), Math.max(high, v)], [Infinity, -Infinity]);
  const [xLow, xHigh] = bounds(x);
  const [yLow, yHigh] = bounds(y);
  const sx = (canvas.width - 2 * margin) / Math.max(xHigh - xLow, 1e-9);
  const sy = (canvas.height - 2 * margin) / Math.max(yHigh - yLow, 1e-9);
  map.screen = x.map((value, i) => [margin + (value - xLow) * sx, canvas.height - margin - (y[i] - yLow) * sy]);
  context.fillStyle = "#111";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.globalAlpha = 0.7;
  map.screen.forEach(([px, py], i) => {
    context.fillStyle = labelColor(labels ? labels[i] : null);
    context.fillRect(px - 1.5, py - 1.5, 3, 3);
  });
  context.globalAlpha = 1;
  for (const [index, colour] of [[map.hovered, "#fff"], [map.selected, "#ffd400"]]) {
    if (index < 0) continue;
    const [px, py] = map.screen[index];
    context.strokeStyle = colour;
    context.lineWidth = 2;
    context.beginPath();
    context.arc(px, py, 6, 0, 2 * Math.PI);
    context.stroke();
  }
  const legend = $("map-legend");
  legend.replaceChildren(...state.info.labelNames.map((name, label) => {
    const span = document.createElement("span");
    span.style.setProperty("--swatch", labelColor(label));
    span.textContent = name;
    return span;
  }));
}

function nearestPoint(event) {
  const canvas = $("map-canvas");
  const rect = canvas.getBoundingClientRect();
  const px = (event.clientX - rect.left) * (canvas.width / rect.width);
  const py = (event.clientY - rect.top) * (canvas.height / rect.height);
  let best = -1;
  let bestDistance = 10 * 10;
  map.screen.forEach(([x, y], i) => {
    const distance = (x - px) ** 2 + (y - py) ** 2;
    if (distance < bestDistance) { best = i; bestDistance = distance; }
  });
  return best;
}

async function showItem(index) {
  const labels = map.points.labels;
  const label = labels ? ` · ${state.info.labelNames[labels[index]]}` : "";
  $("map-caption").textContent = `test example ${index}${label}`;
  const [input, reconstruction] = await Promise.all([api(`/api/items/${index}/input`), api(`/api/items/${index}/reconstruction`)]);
  show($("map-input"), input, ["input"]);
  show($("map-reconstruction"), reconstruction, ["reconstruction"]);
}

function onMapMove(event) {
  if (!map.points) return;
  const index = nearestPoint(event);
  if (index === map.hovered) return;
  map.hovered = index;
  drawMap();
  if (index >= 0) showItem(index).catch(showError);
}

function onMapClick(event) {
  if (!map.points) return;
  const index = nearestPoint(event);
  if (index < 0) return;
  map.selected = index;
  $("map-canvas").dataset.selected = index;
  drawMap();
  showItem(index).catch(showError);
}

// ---- Interpolate ---------------------------------------------------------------------------------------------------
async function endpoint(kind, value) {
  if (kind === "prior") return (await api(`/api/prior?seed=${encodeURIComponent(value)}`)).z;
  return (await api(`/api/items/${encodeURIComponent(value)}`)).mean;
}

async function interpolate() {
  const [from, to] = await Promise.all([endpoint($("from-kind").value, $("from-value").value), endpoint($("to-kind").value, $("to-value").value)]);
  const steps = Number($("steps").value);
  const headings = Array.from({ length: steps }, (_, i) => `t=${(i / (steps - 1)).toFixed(2)}`);
  const [linear, spherical] = await Promise.all([
    api("/api/interpolate", { from, to, steps, path: "linear" }),
    api("/api/interpolate", { from, to, steps, path: "spherical" }),
  ]);
  show($("linear-output"), linear, headings);
  show($("spherical-output"), spherical, headings);
}

// ---- Samples -------------------------------------------------------------------------------------------------------
const drawSamples = coalesced(async () => {
  const temperature = Number($("temperature").value);
  $("temperature-value").textContent = temperature.toFixed(2);
  const count = state.info.isTable ? 8 : 64;
  const result = await api(`/api/samples?count=${count}&temperature=${temperature}&seed=${encodeURIComponent($("seed").value)}`);
  show($("samples-output"), result);
});

// ---- Anomalies -----------------------------------------------------------------------------------------------------
async function loadAnomalies() {
  const { items } = await api("/api/anomalies");
  const box = $("anomalies-output");
  box.replaceChildren();
  for (const [rank, item] of items.entries()) {
    const card = document.createElement("div");
    card.className = "card";
    const label = item.labelName === null ? "" : ` · ${item.labelName}`;
    card.innerHTML = `<div><b>${rank + 1}.</b> #${item.index}${label}</div><div class="muted">score ${item.score.toFixed(1)}</div>`;
    if (state.info.isTable) {
      const [input, reconstruction] = await Promise.all([api(`/api/items/${item.index}/input`), api(`/api/items/${item.index}/reconstruction`)]);
      card.appendChild(valueTable([input.values[0], reconstruction.values[0]], ["input", "reconstruction"]));
    } else {
      for (const part of ["input", "reconstruction"]) {
        const img = document.createElement("img");
        img.alt = `${part} of test example ${item.index}`;
        img.src = `/api/items/${item.index}/${part}`;
        card.appendChild(img);
      }
    }
    box.appendChild(card);
  }
  box.dataset.count = items.length;
}

// ---- Views ---------------------------------------------------------------------------------------------------------
const loaders = { sliders: decodeSliders, map: loadMap, interpolate, samples: drawSamples, anomalies: loadAnomalies };

function openView(name) {
  if (!loaders[name]) name = "sliders";
  document.querySelectorAll("#tabs button").forEach((button) => button.classList.toggle("active", button.dataset.view === name));
  document.querySelectorAll(".view").forEach((view) => view.classList.toggle("active", view.id === `view-${name}`));
  if (!state.loaded.has(name)) {
    state.loaded.add(name);
    Promise.resolve(loaders[name]()).catch(showError);
  }
}

async function main() {
  state.info = await api("/api/info");
  const { info } = state;
  const shape = info.isTable ? `${info.itemShape[0]} columns` : info.itemShape.join("×");
  $("summary").textContent = `${info.source}: ${info.itemCount} test examples of ${shape}, ${info.latentSize} latent dimensions`;
  $("start-index").max = $("from-value").max = $("to-value").max = info.itemCount - 1;
  $("map-x").max = $("map-y").max = info.latentSize - 1;
  buildSliders();

  $("start-button").addEventListener("click", () => startFromExample().catch(showError));
  $("reset-button").addEventListener("click", () => { state.startInput = null; setSliders(new Array(info.latentSize).fill(0)); });
  $("map-axes").addEventListener("change", () => loadMap().catch(showError));
  $("map-x").addEventListener("change", () => loadMap().catch(showError));
  $("map-y").addEventListener("change", () => loadMap().catch(showError));
  $("map-canvas").addEventListener("mousemove", onMapMove);
  $("map-canvas").addEventListener("click", onMapClick);
  $("interpolate-button").addEventListener("click", () => interpolate().catch(showError));
  $("temperature").addEventListener("input", drawSamples);
  $("seed").addEventListener("change", drawSamples);
  $("reseed-button").addEventListener("click", () => { $("seed").value = Math.floor(Math.random() * 1e9); drawSamples(); });
  document.querySelectorAll("#tabs button").forEach((button) => button.addEventListener("click", () => { location.hash = button.dataset.view; }));
  window.addEventListener("hashchange", () => openView(location.hash.slice(1)));
  openView(location.hash.slice(1));
  document.body.dataset.ready = "true";
}

main().catch(showError);
