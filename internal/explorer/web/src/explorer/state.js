// The whole view state, and its encoding in the URL's query string so that
// a view can be shared by its address.

export const DEFINITIONS = {
  G77: { key: 'g77', label: 'G77 membership' },
  M49_DEVELOPING_2020: { key: 'm49dev', label: 'UN M49 "developing" (2020)' },
  WORLD_BANK_NON_HIGH_INCOME: { key: 'wb', label: 'World Bank non-high-income' },
};

export const MEASURES = {
  none: 'none (uniform)',
  degree: 'degree (partners)',
  weighted: 'weighted degree (exchanges)',
  betweenness: 'betweenness',
  closeness: 'closeness',
  pagerank: 'PageRank',
};

export const COLOURS = { region: 'M49 region', south: 'South status', community: 'community', kind: 'actor kind' };

export const PATH_MODES = { SHORTEST: 'shortest', K_SHORTEST: 'k-shortest', TIME_RESPECTING: 'time-respecting' };

export const AGG_LEVELS = { country: 'country', subregion: 'M49 sub-region', region: 'M49 region' };

const LISTS = ['themes', 'kinds', 'akinds', 'countries', 'regions', 'expand'];
const SCALARS = {
  focus: '', depth: 2, view: 'graph', programme: '', cls: '', def: 'G77', from: '', to: '',
  colour: 'region', size: 'degree', pfrom: '', pto: '', pmode: 'SHORTEST', pk: 3, sel: '', agg: 'country', path: 0, limit: 150,
};

export function defaults() {
  const s = { ...SCALARS };
  for (const k of LISTS) s[k] = [];
  return s;
}

// fromURL reads a state from a query string, ignoring what it cannot use.
export function fromURL(search) {
  const q = new URLSearchParams(search);
  const s = defaults();
  for (const k of LISTS) {
    const v = q.get(k);
    if (v) s[k] = v.split(',').filter(Boolean);
  }
  for (const [k, d] of Object.entries(SCALARS)) {
    const v = q.get(k);
    if (v === null || v === '') continue;
    s[k] = typeof d === 'number' ? Number(v) || d : v;
  }
  s.depth = Math.min(3, Math.max(1, s.depth));
  s.pk = Math.min(10, Math.max(1, s.pk));
  s.limit = Math.min(2000, Math.max(1, s.limit));
  if (!DEFINITIONS[s.def]) s.def = 'G77';
  if (!MEASURES[s.size]) s.size = 'degree';
  if (!COLOURS[s.colour]) s.colour = 'region';
  if (!PATH_MODES[s.pmode]) s.pmode = 'SHORTEST';
  if (!AGG_LEVELS[s.agg]) s.agg = 'country';
  if (s.view !== 'map') s.view = 'graph';
  return s;
}

// toURL writes the state's non-default values as a query string.
export function toURL(s) {
  const q = new URLSearchParams();
  for (const k of LISTS) if (s[k].length) q.set(k, s[k].join(','));
  for (const [k, d] of Object.entries(SCALARS)) if (s[k] !== d && s[k] !== '' && s[k] != null) q.set(k, String(s[k]));
  const str = q.toString();
  return str ? '?' + str : '';
}

// edgeFilter is the API's ExchangeFilter for the state's exchange filters
// (the time window included when withWindow); regions become the countries
// they hold.
export function edgeFilter(s, countriesByRegion, withWindow = true) {
  const f = {};
  if (s.themes.length) f.themesAny = s.themes;
  if (s.kinds.length) f.kinds = s.kinds;
  if (s.programme) f.programme = s.programme;
  if (s.cls) f.classification = { definition: s.def, class: s.cls };
  const countries = new Set(s.countries);
  for (const r of s.regions) for (const c of countriesByRegion(r)) countries.add(c);
  if (countries.size) f.countries = [...countries].sort();
  if (withWindow && s.from) f.from = String(s.from);
  if (withWindow && s.to) f.to = String(s.to);
  return Object.keys(f).length ? f : null;
}

// hasEdgeFilter reports whether any exchange filter (the window included) is set.
export function hasEdgeFilter(s) {
  return !!(s.themes.length || s.kinds.length || s.programme || s.cls || s.countries.length || s.regions.length || s.from || s.to);
}
