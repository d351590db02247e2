// The loaded data (actors and exchanges as the API gave them), the graph
// drawn from it (one edge per pair of actors, carrying their exchanges),
// and the questions the view asks of it: what matches the filters, how a
// big selection aggregates, what each colour means.
import { UndirectedGraph } from 'graphology';
import louvain from 'graphology-communities-louvain';
import betweenness from 'graphology-metrics/centrality/betweenness';
import closeness from 'graphology-metrics/centrality/closeness';
import pagerank from 'graphology-metrics/centrality/pagerank';
import { DEFINITIONS } from './state.js';

// AGGREGATE_OVER is the number of exchanges above which a selection is
// drawn aggregated rather than actor by actor.
export const AGGREGATE_OVER = 5000;

export const REGIONS = { '002': 'Africa', '019': 'Americas', '142': 'Asia', '150': 'Europe', '009': 'Oceania', '': 'no region' };

// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
export const PALETTE = {
  region: { '002': '#E69F00', '019': '#009E73', '142': '#CC79A7', '150': '#0072B2', '009': '#56B4E9', '': '#8a949e' },
  south: { SOUTH: '#D55E00', NORTH: '#0072B2', UNKNOWN: '#8a949e' },
  kind: { CITY: '#0072B2', REGION: '#009E73', ORGANISATION: '#CC79A7', COUNTRY: '#E69F00', AREA: '#E69F00' },
  community: ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#8c6d1f', '#332288', '#117733', '#AA4499'],
  other: '#8a949e',
};
export const FADED_NODE = '#e3e7ec';
export const FADED_EDGE = '#eef0f3';
export const EDGE = '#a3adb8';
export const HIGHLIGHT = '#c2185b';

export function year(date) {
  return date ? Number(String(date).slice(0, 4)) : null;
}

// hash gives a stable number in [0, 1) for a string (FNV-1a), so initial
// positions and the community seed do not change between loads.
export function hash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) / 4294967296;
}

function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// classOf is an exchange's Global South class under a definition (its
// key in the node fields: g77, m49dev, wb), from the statuses of its ends,
// as the API's classification defines it.
export function classOf(x, key, data) {
  const a = data.actors.get(x.source)?.[key] || 'UNKNOWN';
  const b = data.actors.get(x.target)?.[key] || 'UNKNOWN';
  if (a === 'UNKNOWN' || b === 'UNKNOWN') return 'UNKNOWN';
  if (a === 'SOUTH' && b === 'SOUTH') return 'SOUTH_SOUTH';
  if (a === 'NORTH' && b === 'NORTH') return 'NORTH_NORTH';
  return 'NORTH_SOUTH';
}

export function pairKey(a, b) {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

// Data is what was loaded: actors and exchanges by id, and how the view
// came about.
export class Data {
  constructor() {
    this.actors = new Map();
    this.exchanges = new Map();
    this.depths = new Map();
    this.truncated = false;
  }

  addActor(a) {
    if (!this.actors.has(a.id)) this.actors.set(a.id, a);
  }

  addExchange(x) {
    if (!this.exchanges.has(x.id)) this.exchanges.set(x.id, { ...x, source: x.sourceId, target: x.targetId });
  }

  addSubgraph(g, centreDepthOffset = 0) {
    for (const n of g.nodes) this.addActor(n);
    for (const x of g.edges) this.addExchange(x);
    for (const d of g.depths || []) {
      const cur = this.depths.get(d.actor);
      const v = d.depth + centreDepthOffset;
      if (cur === undefined || v < cur) this.depths.set(d.actor, v);
    }
    this.truncated = this.truncated || g.truncated;
  }
}

// buildGraph makes the drawn graph of actors: one edge per linked pair.
export function buildGraph(data) {
  const g = new UndirectedGraph();
  for (const a of data.actors.values()) {
    g.addNode(a.id, { label: a.name, actor: a, x: 0, y: 0, size: 6, color: PALETTE.other });
  }
  for (const x of data.exchanges.values()) {
    if (!g.hasNode(x.source) || !g.hasNode(x.target) || x.source === x.target) continue;
    const key = pairKey(x.source, x.target);
    if (g.hasEdge(key)) {
      const e = g.getEdgeAttributes(key);
      e.xs.push(x.id);
      e.weight++;
    } else {
      g.addUndirectedEdgeWithKey(key, x.source, x.target, { xs: [x.id], weight: 1, size: 1, color: EDGE });
    }
  }
  placeInitially(g, data.depths);
  return g;
}

// placeInitially puts actors on rings by hop distance (or on a disc when
// there is no centre) at angles from their ids, so the first frame is
// already a readable picture while the force layout refines it.
function placeInitially(g, depths) {
  const n = g.order || 1;
  g.forEachNode((id, attr) => {
    const d = depths.get(id);
    const t = hash(id) * 2 * Math.PI;
    let r;
    if (d === undefined) r = Math.sqrt(hash(id + '#')) * 10 * Math.sqrt(n);
    else r = d * 40 + hash(id + '#') * 20;
    attr.x = r * Math.cos(t);
    attr.y = r * Math.sin(t);
  });
}

// Matcher answers which exchanges and actors match the state's filters.
export function matcher(state, countriesOfRegion) {
  const themes = new Set(state.themes);
  const kinds = new Set(state.kinds);
  const akinds = new Set(state.akinds);
  const countries = new Set(state.countries);
  for (const r of state.regions) for (const c of countriesOfRegion(r)) countries.add(c);
  const def = DEFINITIONS[state.def].key;
  const from = state.from ? Number(state.from) : null;
  const to = state.to ? Number(state.to) : null;
  const edgeActive = !!(themes.size || kinds.size || countries.size || state.programme || state.cls || from || to);
  const actorOK = (a) => !akinds.size || akinds.has(a.kind);
  const countryOf = (data, id) => data.actors.get(id)?.country?.code;
  return {
    edgeActive,
    actorActive: akinds.size > 0,
    active: edgeActive || akinds.size > 0,
    exchange(x, data) {
      if (themes.size && !x.themes.some((t) => themes.has(t.id))) return false;
      if (kinds.size && !kinds.has(x.kind)) return false;
      if (state.programme && x.programme !== state.programme) return false;
      if (state.cls && classOf(x, def, data) !== state.cls) return false;
      if (from || to) {
        const s = year(x.start);
        if (s === null) return false;
        const e = year(x.end) ?? s;
        if (from && e < from) return false;
        if (to && s > to) return false;
      }
      if (countries.size && !countries.has(countryOf(data, x.source)) && !countries.has(countryOf(data, x.target))) return false;
      if (akinds.size) {
        const a = data.actors.get(x.source);
        const b = data.actors.get(x.target);
        if (!a || !b || !actorOK(a) || !actorOK(b)) return false;
      }
      return true;
    },
    actorOK,
  };
}

// Matches computes, for the drawn graph, the matching exchanges, pairs and
// actors. With no filter everything matches.
export function matches(g, data, m) {
  const xs = new Set();
  const edges = new Set();
  const nodes = new Set();
  for (const x of data.exchanges.values()) if (!m.active || m.exchange(x, data)) xs.add(x.id);
  g.forEachEdge((key, attr, s, t) => {
    if (attr.xs.some((id) => xs.has(id))) {
      edges.add(key);
      nodes.add(s);
      nodes.add(t);
    }
  });
  g.forEachNode((id, attr) => {
    if (!m.edgeActive && (attr.actor ? m.actorOK(attr.actor) : true)) nodes.add(id);
  });
  if (m.actorActive) for (const id of [...nodes]) if (attr(g, id).actor && !m.actorOK(attr(g, id).actor)) nodes.delete(id);
  return { xs, edges, nodes };
}

function attr(g, id) {
  return g.getNodeAttributes(id);
}

// centrality scores every actor of g by measure, on the drawn graph (pairs
// count once; weighted measures weigh a pair by its exchanges).
export function centrality(g, measure) {
  const out = new Map();
  if (!g.order) return out;
  switch (measure) {
    case 'degree':
      g.forEachNode((n) => out.set(n, g.degree(n)));
      break;
    case 'weighted':
      g.forEachNode((n) => {
        let w = 0;
        g.forEachEdge(n, (e, a) => (w += a.weight));
        out.set(n, w);
      });
      break;
    case 'betweenness': {
      const b = betweenness(g, { normalized: false, getEdgeWeight: null });
      for (const [n, v] of Object.entries(b)) out.set(n, v);
      break;
    }
    case 'closeness': {
      const c = closeness(g, { wassermanFaust: true });
      for (const [n, v] of Object.entries(c)) out.set(n, v);
      break;
    }
    case 'pagerank': {
      const p = pagerank(g, { alpha: 0.85, getEdgeWeight: 'weight', tolerance: 1e-10, maxIterations: 1000 });
      for (const [n, v] of Object.entries(p)) out.set(n, v);
      break;
    }
    default:
      g.forEachNode((n) => out.set(n, 1));
  }
  return out;
}

// communities partitions g with Louvain (seeded, so a view keeps its
// colours) and numbers the communities largest first.
export function communities(g) {
  const out = new Map();
  if (!g.size) {
    g.forEachNode((n) => out.set(n, 0));
    return out;
  }
  const raw = louvain(g, { getEdgeWeight: 'weight', rng: seeded(42) });
  const sizes = new Map();
  for (const c of Object.values(raw)) sizes.set(c, (sizes.get(c) || 0) + 1);
  const order = [...sizes.keys()].sort((a, b) => sizes.get(b) - sizes.get(a) || a - b);
  const rank = new Map(order.map((c, i) => [c, i]));
  for (const [n, c] of Object.entries(raw)) out.set(n, rank.get(c));
  return out;
}

// colourOf returns the colour and legend key of an actor under a colouring.
export function colourOf(actor, colour, def, community) {
  switch (colour) {
    case 'south': {
      const v = actor[DEFINITIONS[def].key] || 'UNKNOWN';
      return [PALETTE.south[v], v];
    }
    case 'kind':
      return [PALETTE.kind[actor.kind] || PALETTE.other, actor.kind];
    case 'community': {
      const c = community ?? -1;
      return c >= 0 && c < PALETTE.community.length ? [PALETTE.community[c], `community ${c + 1}`] : [PALETTE.other, 'other communities'];
    }
    default: {
      const r = actor.country?.regionCode || '';
      return [PALETTE.region[r] || PALETTE.other, REGIONS[r] ? r : ''];
    }
  }
}

// legendLabel names a legend key.
export function legendLabel(colour, key) {
  if (colour === 'region') return REGIONS[key] || 'no region';
  if (colour === 'south') return { SOUTH: 'Global South', NORTH: 'Global North', UNKNOWN: 'unknown' }[key] || key;
  if (colour === 'kind') return { CITY: 'city', REGION: 'region', ORGANISATION: 'organisation', COUNTRY: 'country', AREA: 'area' }[key] || key;
  return key;
}

// groupKey is the aggregation key of an actor at a level.
export function groupKey(actor, level) {
  const c = actor.country;
  if (!c) return '';
  if (level === 'region') return c.regionCode;
  if (level === 'subregion') return c.subRegionCode;
  return c.code;
}

// aggregateLocal aggregates loaded data by country or M49 area: a node per
// group with its actors and exchanges, an edge per linked pair of groups.
// Exchanges within one group count as the group's own.
export function aggregateLocal(data, level, m) {
  const groups = new Map();
  const pairs = new Map();
  const group = (k) => {
    if (!groups.has(k)) groups.set(k, { key: k, actors: 0, exchanges: 0, internal: 0 });
    return groups.get(k);
  };
  for (const a of data.actors.values()) group(groupKey(a, level)).actors++;
  let total = 0;
  for (const x of data.exchanges.values()) {
    if (m.active && !m.exchange(x, data)) continue;
    total++;
    const a = data.actors.get(x.source);
    const b = data.actors.get(x.target);
    if (!a || !b) continue;
    const ka = groupKey(a, level);
    const kb = groupKey(b, level);
    group(ka).exchanges++;
    if (ka === kb) {
      group(ka).internal++;
      continue;
    }
    group(kb).exchanges++;
    const k = pairKey(ka, kb);
    pairs.set(k, (pairs.get(k) || 0) + 1);
  }
  return { groups: [...groups.values()], pairs, total };
}

// aggregateBuckets turns the API's buckets into the shape aggregateLocal
// gives: nodes from the per-area counts (an exchange counts once under each
// area of its ends), links from the pair counts ("BR|ZA" -> n; the
// busiest 1,000 when there are more).
export function aggregateBuckets(nodeBuckets, pairBuckets, total) {
  const groups = new Map();
  const pairs = new Map();
  const group = (k) => {
    if (!groups.has(k)) groups.set(k, { key: k, actors: null, exchanges: 0, internal: 0 });
    return groups.get(k);
  };
  for (const b of nodeBuckets) group(b.keys[0]).exchanges = b.count;
  for (const b of pairBuckets) {
    const [ka, kb] = b.keys[0].split('|');
    if (ka === kb) {
      group(ka).internal = b.count;
      continue;
    }
    group(ka);
    group(kb);
    pairs.set(pairKey(ka, kb), b.count);
  }
  return { groups: [...groups.values()], pairs, total };
}
