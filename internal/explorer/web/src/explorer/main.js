// The c2c explorer: ego networks, filters that fade, a time window, paths,
// a map and exports over c2c's GraphQL API, with the whole state in the URL.
import Sigma from 'sigma';
import FA2Layout from 'graphology-layout-forceatlas2/worker';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import { UndirectedGraph } from 'graphology';
import { gql, pending, Q_AGGREGATE, Q_COUNT, Q_NEIGHBOURHOOD, Q_PATHS, Q_SUBGRAPH, Q_VOCABULARY } from './api.js';
import { AGG_LEVELS, COLOURS, DEFINITIONS, MEASURES, PATH_MODES, defaults, edgeFilter, fromURL, toURL } from './state.js';
import {
  AGGREGATE_OVER, Data, EDGE, FADED_EDGE, FADED_NODE, HIGHLIGHT, PALETTE, REGIONS, aggregateBuckets, aggregateLocal,
  buildGraph, centrality, classOf, colourOf, communities, groupKey, hash, legendLabel, matcher, matches, pairKey, year,
} from './model.js';
import { centroid, projection } from './geo.js';
import { MapView } from './map.js';
import { Timeline } from './timeline.js';
import { Typeahead } from './search.js';
import { Panel } from './panel.js';
import { csvFiles, download, gexfOf, pngOf } from './exporter.js';
import './style.css';

const $ = (sel) => document.querySelector(sel);

const EXCHANGE_KINDS = ['STUDY_VISIT', 'TECHNICAL_VISIT', 'WORKSHOP', 'SEMINAR', 'LEARNING_EXCHANGE', 'FORUM', 'MEETING', 'CONFERENCE', 'TWINNING', 'PROJECT_PARTNERSHIP', 'TECHNICAL_ASSISTANCE', 'OTHER'];
const ACTOR_KINDS = ['CITY', 'REGION', 'ORGANISATION'];
const EXPAND_LIMIT = 100;
const AGG_DIMENSION = { country: 'COUNTRY_PAIR', subregion: 'SUB_REGION_PAIR', region: 'REGION_PAIR' };
const AGG_NODES = { country: 'COUNTRY', subregion: 'M49_SUB_REGION', region: 'M49_REGION' };

const app = {
  state: fromURL(location.search),
  data: new Data(),
  graph: new UndirectedGraph(),
  mode: 'graph', // graph | aggregate (from the API) | aggregate-local (of loaded data)
  serverFiltered: false,
  aggregate: null,
  vocab: { themes: [], countries: [], programmes: [], byCode: new Map() },
  match: { xs: new Set(), edges: new Set(), nodes: new Set() },
  values: new Map(),
  community: new Map(),
  paths: [],
  highlight: { nodes: new Set(), edges: new Set() },
  hovered: null,
  note: '',
  error: '',
  loading: 0,
  loads: 0,
  loadSeq: 0,
  timings: { start: performance.now() },
  lastExport: null,
};

// The first view's data is asked for before anything is built, so the
// request and the set-up of the renderer overlap.
const prefetched = new Map();
function prefetch(query, vars) {
  prefetched.set(query + JSON.stringify(vars), gql(query, vars));
}
// load answers from the prefetch once, then from the API.
function load(query, vars) {
  const key = query + JSON.stringify(vars);
  const p = prefetched.get(key);
  if (p) {
    prefetched.delete(key);
    return p;
  }
  return gql(query, vars);
}
if (app.state.focus) prefetch(Q_NEIGHBOURHOOD, { actor: app.state.focus, depth: app.state.depth, limit: app.state.limit });
else prefetch(Q_COUNT, { filter: null });
prefetch(Q_VOCABULARY, {});
for (const p of prefetched.values()) p.catch(() => {});

// ---------------------------------------------------------------- rendering

const graphEl = $('#graph');
const mapEl = $('#map');

const renderer = new Sigma(app.graph, graphEl, {
  allowInvalidContainer: true,
  zIndex: true,
  labelFont: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  labelSize: 12,
  labelWeight: '500',
  labelColor: { color: '#1f2933' },
  labelRenderedSizeThreshold: 7,
  defaultEdgeColor: EDGE,
  minCameraRatio: 0.05,
  maxCameraRatio: 20,
  nodeReducer: (node, d) => {
    const res = { ...d };
    const hl = app.highlight.nodes.size > 0;
    const on = hl ? app.highlight.nodes.has(node) : app.match.nodes.has(node);
    if (!on) {
      res.color = FADED_NODE;
      res.label = '';
      res.zIndex = 0;
    } else {
      res.zIndex = 1;
    }
    if (hl && on) {
      res.highlighted = true;
      res.forceLabel = true;
      res.zIndex = 2;
    }
    if (node === app.state.sel || node === app.hovered || node === app.state.focus) {
      res.highlighted = true;
      res.forceLabel = true;
      res.zIndex = 3;
    }
    return res;
  },
  edgeReducer: (edge, d) => {
    const res = { ...d };
    const hl = app.highlight.edges.size > 0;
    if (hl && app.highlight.edges.has(edge)) {
      res.color = HIGHLIGHT;
      res.size = Math.max(3, d.size + 1);
      res.zIndex = 2;
    } else if (hl || !app.match.edges.has(edge)) {
      res.color = FADED_EDGE;
      res.zIndex = 0;
    } else {
      res.zIndex = 1;
    }
    return res;
  },
});
let layout = null;
let layoutTimer = null;

renderer.on('clickNode', ({ node }) => {
  if (app.mode === 'graph') update({ sel: node });
  else drillDown(node);
});
renderer.on('doubleClickNode', ({ node, event }) => {
  event.preventSigmaDefault();
  if (app.mode === 'graph') expand(node);
});
renderer.on('clickStage', () => update({ sel: '' }));
renderer.on('enterNode', ({ node }) => {
  app.hovered = node;
  graphEl.style.cursor = 'pointer';
  renderer.refresh({ skipIndexation: true });
});
renderer.on('leaveNode', () => {
  app.hovered = null;
  graphEl.style.cursor = '';
  renderer.refresh({ skipIndexation: true });
});
renderer.on('afterRender', () => {
  if (app.timings.loaded && !app.timings.drawn) {
    app.timings.drawn = performance.now();
    if (!app.timings.firstPaint) app.timings.firstPaint = app.timings.drawn;
  }
});

graphEl.addEventListener('keydown', (e) => {
  const cam = renderer.getCamera();
  const step = 0.1 * cam.ratio;
  const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
  if (e.key === '+' || e.key === '=') cam.animatedZoom({ duration: 150 });
  else if (e.key === '-') cam.animatedUnzoom({ duration: 150 });
  else if (e.key === '0') cam.animatedReset({ duration: 150 });
  else if (moves[e.key]) cam.setState({ x: cam.x + moves[e.key][0], y: cam.y + moves[e.key][1] });
  else return;
  e.preventDefault();
});

const mapView = new MapView(mapEl, {
  onClick: (id) => {
    if (!id) update({ sel: '' });
    else if (app.mode === 'graph') update({ sel: id });
    else drillDown(id);
  },
});

const timeline = new Timeline($('#timeline'), {
  onWindow: (from, to) => update({ from: from ?? '', to: to ?? '' }),
});

const panel = new Panel($('#panel'), {
  select: (id) => update({ sel: id }),
  centre: (id) => update({ focus: id, sel: id, expand: [] }),
  expand: (id) => expand(id),
  pathFrom: (a) => {
    pathFrom.set(a.name);
    update({ pfrom: a.id });
  },
  pathTo: (a) => {
    pathTo.set(a.name);
    update({ pto: a.id });
  },
  filter: () => currentFilter(),
  definition: () => app.state.def,
  drill: (id) => drillDown(id),
});

function stopLayout() {
  clearTimeout(layoutTimer);
  if (layout) {
    layout.kill();
    layout = null;
  }
}

// startLayout runs ForceAtlas2 in a worker for a while: long enough to
// untangle, short enough to leave the fans quiet.
function startLayout() {
  stopLayout();
  if (app.mode !== 'graph' || app.graph.order < 3) return;
  const settings = forceAtlas2.inferSettings(app.graph);
  layout = new FA2Layout(app.graph, { settings: { ...settings, barnesHutOptimize: app.graph.order > 400, slowDown: 2 } });
  layout.start();
  const ms = Math.min(4000, 1200 + app.graph.order * 4);
  layoutTimer = setTimeout(() => {
    stopLayout();
    mapAndPanel();
  }, ms);
}

// ------------------------------------------------------------------ loading

function countriesOfRegion(code) {
  return app.vocab.countries.filter((c) => c.regionCode === code || c.subRegionCode === code).map((c) => c.code);
}

function currentFilter(withWindow = true) {
  return edgeFilter(app.state, countriesOfRegion, withWindow);
}

async function loadVocabulary() {
  try {
    const v = await load(Q_VOCABULARY, {});
    app.vocab.themes = v.themes;
    app.vocab.countries = v.countries;
    app.vocab.byCode = new Map(v.countries.map((c) => [c.code, c]));
    app.vocab.programmes = v.programmes.buckets.map((b) => b.keys[0]).filter(Boolean).sort();
    renderControls();
    if (app.mode !== 'graph') reload();
  } catch (err) {
    showError(`Could not read the vocabulary: ${err.message}`);
  }
}

async function reload() {
  const seq = ++app.loadSeq;
  const s = app.state;
  setBusy(+1);
  app.timings.requested = performance.now();
  app.timings.loaded = 0;
  app.timings.drawn = 0;
  try {
    const data = new Data();
    let mode = 'graph';
    let aggregate = null;
    let note = '';
    let serverFiltered = false;
    if (s.focus) {
      const ego = await load(Q_NEIGHBOURHOOD, { actor: s.focus, depth: s.depth, limit: s.limit });
      data.addSubgraph(ego.neighbourhood);
      const more = await Promise.all(s.expand.filter((id) => id !== s.focus).map((id) =>
        gql(Q_NEIGHBOURHOOD, { actor: id, depth: 1, limit: EXPAND_LIMIT }).catch(() => null)));
      for (const m of more) if (m) data.addSubgraph(m.neighbourhood, 1);
      const centre = data.actors.get(s.focus);
      note = `Ego network of ${centre ? centre.name : s.focus}, depth ${s.depth}` +
        (s.expand.length ? `, ${s.expand.length} expanded` : '') +
        (data.truncated ? ` (the ${s.limit} nearest actors: raise the limit to see more)` : '');
      if (data.exchanges.size > AGGREGATE_OVER) {
        mode = 'aggregate-local';
        note = `${note}: ${data.exchanges.size.toLocaleString('en')} exchanges, more than ${AGGREGATE_OVER.toLocaleString('en')}, ` +
          `so they are shown aggregated by ${AGG_LEVELS[s.agg]}.`;
      }
    } else {
      // Counting first spares the API a subgraph it would refuse.
      const total = (await load(Q_COUNT, { filter: null })).exchanges.totalCount;
      if (total <= AGGREGATE_OVER) {
        const all = await load(Q_SUBGRAPH, { filter: null, limit: AGGREGATE_OVER });
        data.addSubgraph(all.subgraph);
      } else {
        const f = currentFilter();
        serverFiltered = true;
        let fitted = false;
        if (f && (await gql(Q_COUNT, { filter: f })).exchanges.totalCount <= AGGREGATE_OVER) {
          const sub = await gql(Q_SUBGRAPH, { filter: f, limit: AGGREGATE_OVER });
          data.addSubgraph(sub.subgraph);
          fitted = true;
          note = `The whole network has more than ${AGGREGATE_OVER.toLocaleString('en')} exchanges: showing the ${data.exchanges.size.toLocaleString('en')} that match the filters.`;
        }
        if (!fitted) {
          mode = 'aggregate';
          const agg = await gql(Q_AGGREGATE, { filter: f, untimed: currentFilter(false), node: AGG_NODES[s.agg], pair: AGG_DIMENSION[s.agg] });
          // The histogram from the store's counts by year: a timeline would
          // read every exchange of a selection this big.
          const years = agg.years.buckets.filter((b) => b.keys[0]).map((b) => ({ year: Number(b.keys[0]), count: b.count })).sort((a, b) => a.year - b.year);
          const filled = [];
          if (years.length) for (let y = years[0].year, i = 0; y <= years[years.length - 1].year; y++) filled.push(years[i]?.year === y ? years[i++] : { year: y, count: 0 });
          const undated = agg.years.buckets.find((b) => !b.keys[0])?.count || 0;
          aggregate = { ...aggregateBuckets(agg.nodes.buckets, agg.stats.buckets, agg.stats.exchanges), timeline: { years: filled, undated: { count: undated } } };
          const cut = agg.stats.bucketCount > agg.stats.buckets.length;
          note = `${agg.stats.exchanges.toLocaleString('en')} exchanges${f ? ' match the filters' : ''}: more than ` +
            `${AGGREGATE_OVER.toLocaleString('en')}, so they are shown aggregated by ${AGG_LEVELS[s.agg]}` +
            (cut ? ` (the ${agg.stats.buckets.length.toLocaleString('en')} busiest of ${agg.stats.bucketCount.toLocaleString('en')} pairs)` : '') +
            `. Search for an actor, or click an area to narrow the selection.`;
        }
      }
    }
    if (seq !== app.loadSeq) return;
    app.timings.fetched = performance.now();
    app.data = data;
    app.mode = mode;
    app.serverFiltered = serverFiltered;
    app.aggregate = aggregate;
    app.note = note;
    app.error = '';
    stopLayout();
    app.graph = mode === 'graph' ? buildGraph(data) : aggregateGraph();
    renderer.setGraph(app.graph);
    app.timings.loaded = performance.now();
    restyle(true);
    renderer.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
    startLayout();
    if (!app.timings.firstLoad) app.timings.firstLoad = app.timings.loaded;
    app.loads++;
    await fetchPaths();
  } catch (err) {
    if (seq !== app.loadSeq) return;
    showError(err.message);
  } finally {
    setBusy(-1);
  }
}

// aggregateGraph draws an aggregate: a node per country or M49 area at its
// centroid, an edge per linked pair, sized by exchanges.
function aggregateGraph() {
  const s = app.state;
  const agg = app.mode === 'aggregate' ? app.aggregate : aggregateLocal(app.data, s.agg, matcher(s, countriesOfRegion));
  if (app.mode === 'aggregate-local') app.aggregate = agg;
  const g = new UndirectedGraph();
  const proj = projection().scale(150).translate([0, 0]);
  const place = (key) => {
    const lonlat = groupLonLat(key);
    if (!lonlat) return null;
    const p = proj(lonlat);
    return { x: p[0], y: -p[1], lonlat };
  };
  let unplaced = 0;
  const max = Math.max(1, ...agg.groups.map((gr) => gr.exchanges));
  for (const gr of agg.groups) {
    const pos = place(gr.key) || { x: -300 + unplaced * 30, y: -220, lonlat: null };
    if (!place(gr.key)) unplaced++;
    const actor = groupActor(gr.key);
    g.addNode('g:' + gr.key, {
      label: `${actor.name} (${gr.exchanges})`, actor, group: gr, x: pos.x, y: pos.y, lonlat: pos.lonlat,
      size: 4 + 16 * Math.sqrt(gr.exchanges / max), color: PALETTE.other,
    });
  }
  const maxPair = Math.max(1, ...agg.pairs.values());
  for (const [k, n] of agg.pairs) {
    const [a, b] = k.split('|');
    if (g.hasNode('g:' + a) && g.hasNode('g:' + b)) {
      g.addUndirectedEdgeWithKey(k, 'g:' + a, 'g:' + b, { weight: n, size: 0.5 + 5 * Math.sqrt(n / maxPair), color: EDGE });
    }
  }
  return g;
}

function groupActor(key) {
  const level = app.state.agg;
  if (!key) return { id: '', kind: 'AREA', name: level === 'country' ? 'no country' : 'no region', country: null };
  if (level === 'country') {
    const c = app.vocab.byCode.get(key) || findCountry(key);
    return c ? { id: key, kind: 'COUNTRY', name: c.name, country: c, g77: c.g77, m49dev: c.m49dev, wb: c.wb }
      : { id: key, kind: 'COUNTRY', name: key, country: null };
  }
  const c = app.vocab.countries.find((x) => (level === 'region' ? x.regionCode : x.subRegionCode) === key) || findArea(key, level);
  const name = c ? (level === 'region' ? c.region : c.subRegion) : REGIONS[key] || key;
  return { id: key, kind: 'AREA', name, country: c ? { regionCode: c.regionCode } : null };
}

function findCountry(code) {
  for (const a of app.data.actors.values()) if (a.country?.code === code) return a.country;
  return null;
}

function findArea(key, level) {
  for (const a of app.data.actors.values()) if (a.country && groupKey(a, level) === key) return a.country;
  return null;
}

function groupLonLat(key) {
  if (!key) return null;
  const level = app.state.agg;
  const members = level === 'country' ? [app.vocab.byCode.get(key) || findCountry(key)].filter(Boolean)
    : app.vocab.countries.filter((c) => (level === 'region' ? c.regionCode : c.subRegionCode) === key);
  let pts = members.map((c) => centroid(c.m49)).filter(Boolean);
  if (!pts.length && level === 'country' && members.length) {
    // A country too small for the 1:110m outline: near the middle of its
    // sub-region, a little apart from its neighbours.
    const sub = members[0].subRegionCode;
    const near = app.vocab.countries.filter((c) => c.subRegionCode === sub).map((c) => centroid(c.m49)).filter(Boolean);
    if (near.length) {
      const t = hash(key) * 2 * Math.PI;
      const mid = [near.reduce((s, p) => s + p[0], 0) / near.length, near.reduce((s, p) => s + p[1], 0) / near.length];
      pts = [[mid[0] + 4 * Math.cos(t), mid[1] + 4 * Math.sin(t)]];
    }
  }
  if (!pts.length) {
    const own = [...app.data.actors.values()].filter((a) => a.coordinates && groupKey(a, level) === key);
    if (!own.length) return null;
    return [own.reduce((s, a) => s + a.coordinates.lon, 0) / own.length, own.reduce((s, a) => s + a.coordinates.lat, 0) / own.length];
  }
  return [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];
}

function drillDown(node) {
  const key = node.replace(/^g:/, '');
  if (!key) return;
  if (app.state.agg === 'country') update({ countries: [key], regions: [] });
  else update({ regions: [key], countries: [] });
}

function expand(id) {
  const s = app.state;
  if (!s.focus) {
    update({ focus: id, sel: id, expand: [] });
    return;
  }
  if (id === s.focus || s.expand.includes(id)) return;
  update({ expand: [...s.expand, id], sel: id });
}

// ------------------------------------------------------------------- paths

async function fetchPaths() {
  const s = app.state;
  app.paths = [];
  app.pathError = '';
  if (!s.pfrom || !s.pto) {
    highlightPath();
    renderPaths();
    return;
  }
  // No hop limit: shortest paths of any length; K_SHORTEST and
  // TIME_RESPECTING take the server's defaults (16 and 64 hops).
  const vars = { from: s.pfrom, to: s.pto, mode: s.pmode, filter: currentFilter() };
  if (s.pmode === 'K_SHORTEST') vars.k = s.pk;
  setBusy(+1);
  try {
    const res = await gql(Q_PATHS, vars);
    app.paths = res.paths.paths;
    if (app.mode === 'graph') {
      let added = false;
      for (const p of app.paths) {
        for (const n of p.nodes) if (!app.graph.hasNode(n.id)) { app.data.addActor(n); added = true; }
        for (const x of p.exchanges) if (!app.data.exchanges.has(x.id)) { app.data.addExchange(x); added = true; }
      }
      if (added) addMissing();
    }
  } catch (err) {
    app.pathError = err.message;
  } finally {
    setBusy(-1);
  }
  highlightPath();
  renderPaths();
}

// addMissing puts actors and exchanges loaded since the graph was built
// (the ends of a path) into it, beside their neighbours.
function addMissing() {
  const g = app.graph;
  for (const a of app.data.actors.values()) {
    if (g.hasNode(a.id)) continue;
    let x = 0;
    let y = 0;
    let n = 0;
    for (const e of app.data.exchanges.values()) {
      const other = e.source === a.id ? e.target : e.target === a.id ? e.source : null;
      if (other && g.hasNode(other)) {
        x += g.getNodeAttribute(other, 'x');
        y += g.getNodeAttribute(other, 'y');
        n++;
      }
    }
    g.addNode(a.id, { label: a.name, actor: a, x: n ? x / n + 5 : 0, y: n ? y / n + 5 : 0, size: 6, color: PALETTE.other });
  }
  for (const e of app.data.exchanges.values()) {
    if (!g.hasNode(e.source) || !g.hasNode(e.target) || e.source === e.target) continue;
    const key = pairKey(e.source, e.target);
    if (!g.hasEdge(key)) g.addUndirectedEdgeWithKey(key, e.source, e.target, { xs: [e.id], weight: 1, size: 1, color: EDGE });
    else if (!g.getEdgeAttribute(key, 'xs').includes(e.id)) {
      g.getEdgeAttribute(key, 'xs').push(e.id);
      g.setEdgeAttribute(key, 'weight', g.getEdgeAttribute(key, 'weight') + 1);
    }
  }
  restyle(true);
}

function highlightPath() {
  app.highlight = { nodes: new Set(), edges: new Set() };
  const p = app.paths[Math.min(app.state.path, app.paths.length - 1)];
  if (p && app.mode === 'graph') {
    for (const n of p.nodes) app.highlight.nodes.add(n.id);
    for (let i = 0; i + 1 < p.nodes.length; i++) app.highlight.edges.add(pairKey(p.nodes[i].id, p.nodes[i + 1].id));
  }
  renderer.refresh({ skipIndexation: true });
  mapAndPanel();
}

function renderPaths() {
  const box = $('#paths');
  box.replaceChildren();
  const s = app.state;
  if (app.pathError) {
    box.append(para(app.pathError, 'error'));
    return;
  }
  if (!s.pfrom || !s.pto) return;
  if (!app.paths.length) {
    box.append(para(`No ${PATH_MODES[s.pmode]} path within 6 hops under the filters.`));
    return;
  }
  const ol = document.createElement('ol');
  ol.className = 'path-list';
  app.paths.forEach((p, i) => {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.setAttribute('aria-pressed', String(i === Math.min(s.path, app.paths.length - 1)));
    b.textContent = `${p.hops} hop${p.hops === 1 ? '' : 's'}: ${p.nodes.map((n) => n.name).join(' → ')}`;
    if (p.arrival) b.textContent += ` (arrives ${p.arrival})`;
    b.addEventListener('click', () => update({ path: i }));
    li.append(b);
    ol.append(li);
  });
  box.append(ol);
}

function para(text, cls) {
  const p = document.createElement('p');
  p.textContent = text;
  if (cls) p.className = cls;
  return p;
}

// ----------------------------------------------------------------- styling

// restyle recomputes what matches, sizes and colours, and redraws.
function restyle(structural = false) {
  const s = app.state;
  const g = app.graph;
  if (app.mode === 'aggregate-local' && !structural) {
    app.graph = aggregateGraph();
    renderer.setGraph(app.graph);
    return restyle(true);
  }
  if (app.mode === 'graph') {
    app.match = matches(g, app.data, matcher(s, countriesOfRegion));
    if (structural || app.valuesFor !== s.size || app.valuesOrder !== g.order + ':' + g.size) {
      app.values = centrality(g, s.size);
      app.valuesFor = s.size;
      app.valuesOrder = g.order + ':' + g.size;
    }
    if (s.colour === 'community' && (structural || !app.community.size)) app.community = communities(g);
    let max = 0;
    for (const v of app.values.values()) max = Math.max(max, v);
    g.forEachNode((id, a) => {
      const v = app.values.get(id) || 0;
      a.size = s.size === 'none' || !max ? 6 : 3 + 15 * Math.sqrt(v / max);
      a.value = v;
      [a.color, a.legend] = colourOf(a.actor, s.colour, s.def, app.community.get(id));
    });
    const maxW = Math.max(1, ...g.mapEdges((e, a) => a.weight));
    g.forEachEdge((e, a) => (a.size = 0.6 + 3 * Math.sqrt(a.weight / maxW)));
  } else {
    app.match = { xs: new Set(), edges: new Set(g.edges()), nodes: new Set(g.nodes()) };
    g.forEachNode((id, a) => {
      const colour = s.colour === 'south' || s.colour === 'region' ? s.colour : 'region';
      [a.color, a.legend] = colourOf(a.actor, colour, s.def);
    });
  }
  app.community = s.colour === 'community' ? app.community : new Map();
  renderer.refresh();
  renderLegend();
  renderTimeline();
  showNote();
  mapAndPanel();
}

function mapAndPanel() {
  if (app.state.view === 'map') drawMap();
}

function drawMap() {
  const g = app.graph;
  const nodes = [];
  const where = new Map();
  const showLabels = g.order <= 60;
  g.forEachNode((id, a) => {
    let lonlat = a.lonlat || (a.actor?.coordinates ? [a.actor.coordinates.lon, a.actor.coordinates.lat] : null);
    let approx = false;
    if (!lonlat && a.actor?.country?.m49) {
      lonlat = centroid(a.actor.country.m49);
      approx = !!lonlat;
    }
    if (!lonlat) return;
    where.set(id, lonlat);
    const hl = app.highlight.nodes.size ? app.highlight.nodes.has(id) : false;
    const faded = app.highlight.nodes.size ? !hl : !app.match.nodes.has(id);
    nodes.push({
      id, lonlat, approx, label: a.actor?.name || a.label, color: faded ? FADED_NODE : a.color,
      r: Math.max(3, a.size * 0.6), faded, highlight: hl || id === app.state.sel,
      showLabel: showLabels || hl || id === app.state.sel || id === app.state.focus,
    });
  });
  const edges = [];
  g.forEachEdge((key, a, s, t) => {
    if (!where.has(s) || !where.has(t)) return;
    const hl = app.highlight.edges.has(key);
    const faded = app.highlight.edges.size ? !hl : !app.match.edges.has(key);
    edges.push({ a: where.get(s), b: where.get(t), color: hl ? HIGHLIGHT : faded ? FADED_EDGE : EDGE, width: hl ? 3 : Math.max(0.6, a.size * 0.8), faded });
  });
  app.unplaced = g.order - nodes.length;
  mapView.set({ nodes, edges });
  showNote();
}

function renderLegend() {
  const ul = $('#legend');
  ul.replaceChildren();
  const counts = new Map();
  const colours = new Map();
  app.graph.forEachNode((id, a) => {
    counts.set(a.legend, (counts.get(a.legend) || 0) + 1);
    colours.set(a.legend, a.color);
  });
  const keys = [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a));
  for (const k of keys.slice(0, 12)) {
    const li = document.createElement('li');
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = colours.get(k);
    const colour = app.mode === 'graph' ? app.state.colour : app.state.colour === 'south' ? 'south' : 'region';
    li.append(sw, document.createTextNode(`${legendLabel(colour, k)} (${counts.get(k)})`));
    ul.append(li);
  }
  if (app.state.size !== 'none' && app.mode === 'graph') {
    ul.append(Object.assign(document.createElement('li'), {
      className: 'hint', textContent: `Size: ${MEASURES[app.state.size]}, computed on the actors in view`,
    }));
  }
}

function renderTimeline() {
  const s = app.state;
  if (app.mode === 'aggregate') {
    const t = app.aggregate.timeline;
    timeline.set(t.years.map((y) => ({ year: y.year, count: y.count })), t.undated.count, 'all matching exchanges');
  } else {
    const m = matcher({ ...s, from: '', to: '' }, countriesOfRegion);
    const by = new Map();
    let undated = 0;
    for (const x of app.data.exchanges.values()) {
      const y = year(x.start);
      if (y === null) {
        undated++;
        continue;
      }
      const e = by.get(y) || { year: y, count: 0, matching: 0 };
      e.count++;
      if (!m.active || m.exchange(x, app.data)) e.matching++;
      by.set(y, e);
    }
    const ys = [...by.keys()].sort((a, b) => a - b);
    const years = [];
    if (ys.length) for (let y = ys[0]; y <= ys[ys.length - 1]; y++) years.push(by.get(y) || { year: y, count: 0, matching: 0 });
    timeline.set(years, undated, '');
  }
  timeline.setWindow(s.from ? Number(s.from) : null, s.to ? Number(s.to) : null);
}

function showNote() {
  const el = $('#note');
  const parts = [];
  if (app.error) parts.push(app.error);
  if (app.note) parts.push(app.note);
  if (app.state.view === 'map' && app.unplaced) parts.push(`${app.unplaced} actor${app.unplaced === 1 ? ' has' : 's have'} no location and are not on the map.`);
  el.textContent = parts.join(' ');
  el.hidden = !parts.length;
  el.classList.toggle('error', !!app.error);
}

function showError(msg) {
  app.error = msg;
  showNote();
}

function setBusy(d) {
  app.loading += d;
  $('#busy').hidden = app.loading <= 0;
}

// ------------------------------------------------------------------- state

const RELOAD = ['focus', 'depth', 'expand', 'limit'];
const FILTERS = ['themes', 'kinds', 'akinds', 'countries', 'regions', 'programme', 'cls', 'def', 'from', 'to'];
const PATHS = ['pfrom', 'pto', 'pmode', 'pk'];

// update applies a change of state, writes it to the URL and does what the
// change needs: reload, new paths, restyle, panel.
function update(patch) {
  const before = app.state;
  const s = { ...before, ...patch };
  const changed = Object.keys(patch).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(s[k]));
  if (!changed.length) return;
  if (changed.some((k) => PATHS.includes(k))) s.path = 0;
  app.state = s;
  history.replaceState(null, '', location.pathname + toURL(s));
  syncControls();
  const filtersChanged = changed.some((k) => FILTERS.includes(k));
  const reloadNeeded = changed.some((k) => RELOAD.includes(k)) ||
    (changed.includes('agg') && app.mode !== 'graph') ||
    (filtersChanged && (app.serverFiltered || app.mode === 'aggregate'));
  if (reloadNeeded) {
    reload();
  } else {
    if (changed.includes('view')) switchView();
    if (filtersChanged || changed.some((k) => ['colour', 'size', 'agg'].includes(k))) restyle();
    if (changed.some((k) => PATHS.includes(k)) || (filtersChanged && s.pfrom && s.pto)) fetchPaths();
    else if (changed.includes('path')) {
      highlightPath();
      renderPaths();
    }
  }
  if (changed.includes('sel') || filtersChanged || changed.includes('def')) panel.show(s.sel, app);
  else panel.refreshList(app);
}

function switchView() {
  const map = app.state.view === 'map';
  graphEl.hidden = map;
  mapEl.hidden = !map;
  $('#view-graph').setAttribute('aria-pressed', String(!map));
  $('#view-map').setAttribute('aria-pressed', String(map));
  if (map) drawMap();
  else renderer.refresh();
  showNote();
}

// -------------------------------------------------------------- controls

function options(select, entries, value) {
  select.replaceChildren(...Object.entries(entries).map(([v, label]) => new Option(label, v, false, v === value)));
}

function checks(box, items, selected, key, filterText = '') {
  const sel = new Set(selected);
  box.replaceChildren();
  const ft = filterText.trim().toLowerCase();
  for (const it of items) {
    if (ft && !it.label.toLowerCase().includes(ft) && !sel.has(it.value)) continue;
    const l = document.createElement('label');
    const c = document.createElement('input');
    c.type = 'checkbox';
    c.value = it.value;
    c.checked = sel.has(it.value);
    c.addEventListener('change', () => {
      const cur = new Set(app.state[key]);
      if (c.checked) cur.add(it.value);
      else cur.delete(it.value);
      update({ [key]: [...cur] });
    });
    l.append(c, document.createTextNode(' ' + it.label));
    box.append(l);
  }
  const count = $(`#${key}-count`);
  if (count) count.textContent = sel.size ? `(${sel.size})` : '';
}

const pretty = (k) => k.toLowerCase().replace(/_/g, ' ');

function renderControls() {
  const s = app.state;
  checks($('#themes'), app.vocab.themes.filter((t) => t.exchanges > 0 || s.themes.includes(t.id))
    .map((t) => ({ value: t.id, label: `${t.label} (${t.exchanges})` })), s.themes, 'themes', $('#theme-find').value);
  checks($('#kinds'), EXCHANGE_KINDS.map((k) => ({ value: k, label: pretty(k) })), s.kinds, 'kinds');
  checks($('#akinds'), ACTOR_KINDS.map((k) => ({ value: k, label: pretty(k) })), s.akinds, 'akinds');
  checks($('#countries'), app.vocab.countries.map((c) => ({ value: c.code, label: `${c.name} (${c.code})` })), s.countries, 'countries', $('#country-find').value);
  const areas = new Map();
  for (const c of app.vocab.countries) {
    if (c.regionCode) areas.set(c.regionCode, { value: c.regionCode, label: c.region, order: c.regionCode + '0' });
    if (c.subRegionCode) areas.set(c.subRegionCode, { value: c.subRegionCode, label: `  ${c.subRegion}`, order: c.regionCode + '1' + c.subRegion });
  }
  checks($('#regions'), [...areas.values()].sort((a, b) => (a.order < b.order ? -1 : 1)), s.regions, 'regions');
  const prog = $('#programme');
  prog.replaceChildren(new Option('any', ''), ...app.vocab.programmes.map((p) => new Option(p, p)));
  prog.value = s.programme;
  syncControls();
}

function syncControls() {
  const s = app.state;
  $('#depth').value = String(s.depth);
  $('#limit').value = String(s.limit);
  $('#def').value = s.def;
  $('#cls').value = s.cls;
  $('#colour').value = s.colour;
  $('#size').value = s.size;
  $('#agg').value = s.agg;
  $('#pmode').value = s.pmode;
  $('#pk').value = String(s.pk);
  $('#pk').disabled = s.pmode !== 'K_SHORTEST';
  $('#programme').value = s.programme;
  for (const key of ['themes', 'kinds', 'akinds', 'countries', 'regions']) {
    const sel = new Set(s[key]);
    for (const c of document.querySelectorAll(`#${key} input`)) c.checked = sel.has(c.value);
    const count = $(`#${key}-count`);
    if (count) count.textContent = sel.size ? `(${sel.size})` : '';
  }
}

options($('#def'), Object.fromEntries(Object.entries(DEFINITIONS).map(([k, v]) => [k, v.label])), app.state.def);
options($('#colour'), COLOURS, app.state.colour);
options($('#size'), MEASURES, app.state.size);
options($('#agg'), AGG_LEVELS, app.state.agg);
options($('#pmode'), PATH_MODES, app.state.pmode);
for (const [id, key, num] of [['#depth', 'depth', true], ['#limit', 'limit', true], ['#def', 'def'], ['#cls', 'cls'], ['#colour', 'colour'], ['#size', 'size'], ['#agg', 'agg'], ['#pmode', 'pmode'], ['#programme', 'programme'], ['#pk', 'pk', true]]) {
  $(id).addEventListener('change', (e) => update({ [key]: num ? Number(e.target.value) : e.target.value }));
}
$('#theme-find').addEventListener('input', renderControls);
$('#country-find').addEventListener('input', renderControls);
$('#reset-filters').addEventListener('click', () => {
  const d = defaults();
  update(Object.fromEntries(FILTERS.filter((k) => k !== 'def').map((k) => [k, d[k]])));
});
$('#overview').addEventListener('click', () => update({ focus: '', expand: [], sel: '' }));
$('#view-graph').addEventListener('click', () => update({ view: 'graph' }));
$('#view-map').addEventListener('click', () => update({ view: 'map' }));

new Typeahead($('#search'), { onPick: (a) => update({ focus: a.id, sel: a.id, expand: [] }) });
const pathFrom = new Typeahead($('#pfrom'), { onPick: (a) => update({ pfrom: a.id }) });
const pathTo = new Typeahead($('#pto'), { onPick: (a) => update({ pto: a.id }) });
$('#find-path').addEventListener('click', () => fetchPaths());
$('#clear-path').addEventListener('click', () => {
  pathFrom.set('');
  pathTo.set('');
  update({ pfrom: '', pto: '' });
});

// ----------------------------------------------------------------- export

// exportView describes what export writes: the matching actors and
// exchanges of a graph view, or the groups and pairs of an aggregate.
function exportView() {
  const nodes = [];
  const edges = [];
  const g = app.graph;
  if (app.mode === 'graph') {
    g.forEachNode((id, a) => {
      if (!app.match.nodes.has(id)) return;
      const x = a.actor;
      nodes.push({
        id,
        attrs: {
          label: x.name, kind: x.kind, country: x.country?.code || '', region: x.country?.region || '',
          lat: x.coordinates?.lat ?? '', lon: x.coordinates?.lon ?? '', south: x[DEFINITIONS[app.state.def].key] || '',
          value: a.value ?? 0, x: a.x, y: a.y, size: a.size, color: a.color,
        },
      });
    });
    for (const x of app.data.exchanges.values()) {
      if (!app.match.xs.has(x.id) || !g.hasNode(x.source) || !g.hasNode(x.target)) continue;
      edges.push({
        id: x.id, source: x.source, target: x.target,
        attrs: {
          label: x.title, kind: x.kind, start: x.start || '', end: x.end || '', themes: x.themes.map((t) => t.id).join(';'),
          programme: x.programme || '', directed: x.directed, class: classOf(x, DEFINITIONS[app.state.def].key, app.data), source_url: x.sourceUrl || '',
        },
      });
    }
    return {
      nodes, edges,
      nodeColumns: ['kind', 'country', 'region', 'lat', 'lon', 'south', 'value', 'x', 'y', 'size', 'color'],
      edgeColumns: ['label', 'kind', 'start', 'end', 'themes', 'programme', 'directed', 'class', 'source_url'],
    };
  }
  g.forEachNode((id, a) => nodes.push({ id, attrs: { label: a.actor.name, exchanges: a.group.exchanges, internal: a.group.internal, x: a.x, y: a.y, size: a.size, color: a.color } }));
  g.forEachEdge((key, a, s, t) => edges.push({ id: key, source: s, target: t, attrs: { label: '', weight: a.weight, exchanges: a.weight } }));
  return { nodes, edges, nodeColumns: ['exchanges', 'internal', 'x', 'y', 'size', 'color'], edgeColumns: ['exchanges'] };
}

function png() {
  if (app.state.view === 'map') {
    mapView.draw();
    return pngOf([mapView.canvas]);
  }
  renderer.refresh();
  const c = renderer.getCanvases();
  return pngOf(['edges', 'nodes', 'labels', 'hovers', 'hoverNodes'].map((k) => c[k]).filter(Boolean));
}

const stamp = () => `c2c-${app.state.focus || 'network'}`;
$('#export-png').addEventListener('click', () => {
  download(`${stamp()}.png`, png(), 'image/png');
  app.lastExport = 'png';
});
$('#export-gexf').addEventListener('click', () => {
  download(`${stamp()}.gexf`, gexfOf(exportView()), 'application/gexf+xml');
  app.lastExport = 'gexf';
});
$('#export-csv').addEventListener('click', () => {
  const f = csvFiles(exportView());
  download(`${stamp()}-nodes.csv`, f.nodes, 'text/csv');
  download(`${stamp()}-edges.csv`, f.edges, 'text/csv');
  app.lastExport = 'csv';
});
$('#share').addEventListener('click', async () => {
  const url = location.href;
  try {
    await navigator.clipboard.writeText(url);
    $('#share').textContent = 'Link copied';
  } catch {
    prompt('The address of this view:', url);
  }
  setTimeout(() => ($('#share').textContent = 'Copy link'), 1500);
});

// --------------------------------------------------------------- keyboard

document.addEventListener('keydown', (e) => {
  const typing = /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName);
  if (e.key === '/' && !typing) {
    e.preventDefault();
    $('#search').focus();
  } else if (e.key === 'Escape' && !typing) {
    $('#export-menu').open = false;
    if (app.state.sel) update({ sel: '' });
  }
});

// ------------------------------------------------------------- test hook

// window.__c2c lets the browser tests (and curious users in the console)
// read what is drawn: the hook reads state, it never changes the view
// other than through the same update() the controls call.
window.__c2c = {
  get state() { return JSON.parse(JSON.stringify(app.state)); },
  get mode() { return app.mode; },
  get ready() { return app.loads > 0 && app.loading === 0 && pending() === 0; },
  get layoutRunning() { return !!layout; },
  get order() { return app.graph.order; },
  get size() { return app.graph.size; },
  get exchanges() { return app.mode === 'graph' ? app.data.exchanges.size : app.aggregate?.total ?? 0; },
  get matching() { return { nodes: app.match.nodes.size, edges: app.match.edges.size, exchanges: app.match.xs.size }; },
  get highlighted() { return { nodes: [...app.highlight.nodes], edges: [...app.highlight.edges] }; },
  get paths() { return app.paths.map((p) => ({ hops: p.hops, nodes: p.nodes.map((n) => n.id), exchanges: p.exchanges.map((x) => x.id), arrival: p.arrival })); },
  get note() { return $('#note').hidden ? '' : $('#note').textContent; },
  get error() { return app.error; },
  get timings() { return { ...app.timings }; },
  get lastExport() { return app.lastExport; },
  get histogram() { return { years: timeline.years.map((y) => ({ ...y })), undated: timeline.undated, playing: timeline.playing() }; },
  get unplaced() { return app.unplaced ?? 0; },
  get mapItems() { return { nodes: mapView.items.nodes.length, edges: mapView.items.edges.length }; },
  nodes() {
    const out = [];
    app.graph.forEachNode((id, a) => {
      const v = renderer.graphToViewport({ x: a.x, y: a.y });
      out.push({ id, x: v.x, y: v.y, size: a.size, color: a.color, value: a.value ?? 0, faded: !app.match.nodes.has(id), legend: a.legend });
    });
    return out;
  },
  mapPosition(id) {
    const n = mapView.items.nodes.find((x) => x.id === id);
    return n ? mapView.project(n.lonlat) : null;
  },
  update,
  stopLayout,
  exportPNG: png,
  exportGEXF: () => gexfOf(exportView()),
  exportCSV: () => csvFiles(exportView()),
};

// ------------------------------------------------------------------ start

renderControls();
switchView();
if (app.state.pfrom) pathFrom.set(app.state.pfrom);
if (app.state.pto) pathTo.set(app.state.pto);
loadVocabulary();
reload().then(() => panel.show(app.state.sel, app));
