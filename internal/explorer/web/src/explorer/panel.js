// The side panel: the selected actor's details, partners (with first and
// last exchange and shared themes) and exchanges (title, dates, source
// link); with nothing selected, the actors in view by size.
import { gql, Q_ACTOR } from './api.js';
import { DEFINITIONS, MEASURES } from './state.js';

function h(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

function dates(start, end, note) {
  if (!start) return note || 'date unknown';
  return end && end !== start ? `${start} – ${end}` : start;
}

const pretty = (k) => (k ? k.toLowerCase().replace(/_/g, ' ') : '');

export class Panel {
  constructor(root, actions) {
    this.root = root;
    this.actions = actions;
    this.seq = 0;
    this.current = '';
  }

  async show(id, app) {
    const seq = ++this.seq;
    this.current = id;
    if (!id || app.mode !== 'graph') {
      this.renderList(app);
      return;
    }
    this.root.replaceChildren(h('p', { class: 'hint' }, 'Loading…'));
    try {
      const data = await gql(Q_ACTOR, { id, filter: this.actions.filter() });
      if (seq !== this.seq) return;
      if (!data.actor) {
        this.root.replaceChildren(h('p', { class: 'error' }, `No actor ${id}.`));
        return;
      }
      this.render(data.actor, app);
    } catch (err) {
      if (seq !== this.seq) return;
      this.root.replaceChildren(h('p', { class: 'error' }, err.message));
    }
  }

  // fill replaces the panel's content, leaving out absent parts.
  fill(...parts) {
    this.root.replaceChildren(...parts.filter((p) => p !== null && p !== undefined && p !== false));
  }

  refreshList(app) {
    if (!this.current || app.mode !== 'graph') this.renderList(app);
  }

  renderList(app) {
    const items = [];
    app.graph.forEachNode((id, a) => items.push({ id, a, on: app.match.nodes.has(id) }));
    items.sort((x, y) => (y.on - x.on) || (y.a.value ?? y.a.size) - (x.a.value ?? x.a.size) || (x.a.label < y.a.label ? -1 : 1));
    const agg = app.mode !== 'graph';
    const title = agg ? 'Areas in view' : 'Actors in view';
    const measure = agg ? 'exchanges' : MEASURES[app.state.size];
    const list = h('ol', { class: 'actor-list' }, items.slice(0, 40).map(({ id, a, on }) =>
      h('li', { class: on ? '' : 'faded' },
        h('button', {
          type: 'button',
          onclick: () => (agg ? this.actions.drill?.(id) : this.actions.select(id)),
        }, h('span', { class: 'swatch', style: `background:${a.color}` }), ' ', agg ? a.label : a.actor.name),
        h('small', {}, agg ? '' : ` ${fmt(a.value)}`))));
    this.root.replaceChildren(
      h('h2', {}, title),
      h('p', { class: 'hint' }, `${app.graph.order} ${agg ? 'areas' : 'actors'}, ${app.graph.size} links` +
        (agg ? '' : `, ${app.data.exchanges.size} exchanges; ordered by ${measure}.`) +
        (agg ? ' Click an area to narrow to it.' : ' Click an actor (or press Enter on it) for its details; double-click in the graph to expand it.')),
      list,
    );
  }

  render(a, app) {
    const def = this.actions.definition();
    const south = a[DEFINITIONS[def].key];
    const filtered = !!this.actions.filter();
    const meta = [
      pretty(a.kind) + (a.orgType ? ` (${pretty(a.orgType)})` : ''),
      a.country ? `${a.country.name}, ${a.country.subRegion || a.country.region}` : 'no country',
      a.region ? `in ${a.region.name}` : null,
    ].filter(Boolean).join(' · ');
    const ids = [];
    if (a.wikidataId) ids.push(h('a', { href: `https://www.wikidata.org/wiki/${a.wikidataId}`, target: '_blank', rel: 'noopener noreferrer' }, a.wikidataId));
    if (a.geonamesId) ids.push(h('span', {}, ` GeoNames ${a.geonamesId}`));
    const partners = h('table', { class: 'partners' },
      h('caption', {}, `Partners${filtered ? ' (under the filters)' : ''}: ${a.partners.length}${a.partners.length === 100 ? '+' : ''}`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Partner'), h('th', { scope: 'col' }, 'Exch.'), h('th', { scope: 'col' }, 'First'), h('th', { scope: 'col' }, 'Last'), h('th', { scope: 'col' }, 'Shared themes'))),
      h('tbody', {}, a.partners.map((p) => h('tr', {},
        h('td', {}, h('button', { type: 'button', class: 'linkish', onclick: () => this.actions.select(p.partner.id) }, p.partner.name)),
        h('td', { class: 'num' }, String(p.exchanges)),
        h('td', {}, p.first || '–'),
        h('td', {}, p.last || '–'),
        h('td', {}, p.themes.map((t) => t.label).join(', ') || '–')))));
    const exchanges = h('ol', { class: 'exchanges' }, a.exchanges.map((x) => {
      const other = x.source.id === a.id ? x.target : x.source;
      return h('li', {},
        h('strong', {}, x.title),
        h('div', { class: 'meta' }, `${pretty(x.kind)} · ${dates(x.start, x.end, x.dateNote)}` + (x.programme ? ` · ${x.programme}` : '') + ' · with ',
          h('button', { type: 'button', class: 'linkish', onclick: () => this.actions.select(other.id) }, other.name)),
        x.themes.length ? h('div', { class: 'meta' }, x.themes.map((t) => t.label).join(', ')) : null,
        x.sourceUrl ? h('a', { href: x.sourceUrl, target: '_blank', rel: 'noopener noreferrer', class: 'source' }, 'Source') : h('span', { class: 'meta' }, 'no source link'));
    }));
    const inView = app.graph.hasNode(a.id);
    this.fill(
      h('div', { class: 'panel-head' },
        h('h2', { id: 'panel-title' }, a.name),
        h('button', { type: 'button', class: 'close', 'aria-label': 'Close the details', onclick: () => this.actions.select('') }, '×')),
      h('p', { class: 'meta' }, meta),
      a.altNames.length ? h('p', { class: 'meta' }, `Also: ${a.altNames.join(', ')}`) : null,
      h('p', { class: 'meta' }, `${DEFINITIONS[def].label}: `, h('strong', {}, pretty(south))),
      a.coordinates ? h('p', { class: 'meta' }, `${a.coordinates.lat.toFixed(3)}, ${a.coordinates.lon.toFixed(3)}`) : null,
      ids.length ? h('p', { class: 'meta' }, ...ids) : null,
      a.summary ? h('p', {}, a.summary) : null,
      h('div', { class: 'row' },
        h('button', { type: 'button', onclick: () => this.actions.centre(a.id) }, 'Centre here'),
        inView ? h('button', { type: 'button', onclick: () => this.actions.expand(a.id) }, 'Expand') : null,
        h('button', { type: 'button', onclick: () => this.actions.pathFrom(a) }, 'Path from'),
        h('button', { type: 'button', onclick: () => this.actions.pathTo(a) }, 'Path to')),
      a.memberships.length ? h('details', {}, h('summary', {}, `Memberships (${a.memberships.length})`),
        h('ul', {}, a.memberships.map((m) => h('li', {}, `${m.organisation.name}${m.role ? ' — ' + m.role : ''}${m.since ? ', since ' + m.since : ''}${m.until ? ', until ' + m.until : ''}`)))) : null,
      partners,
      h('h3', {}, `Exchanges${filtered ? ' (under the filters)' : ''}: ${a.exchanges.length}${a.exchanges.length === 100 ? '+' : ''}`),
      exchanges,
    );
  }
}

function fmt(v) {
  if (v === undefined || v === null) return '';
  if (Number.isInteger(v)) return String(v);
  return v < 0.01 ? v.toExponential(2) : v.toFixed(3);
}
