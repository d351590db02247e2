// The map view: the world outline, actors at their coordinates (or their
// country's centroid, marked as approximate) and exchanges as great-circle
// arcs, on one canvas. Drag pans, the wheel zooms, a click selects.
import { geoGraticule10, geoPath } from 'd3-geo';
import { countries, projection } from './geo.js';

export class MapView {
  constructor(container, { onClick }) {
    this.container = container;
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Map of the actors in view and their exchanges');
    this.canvas.tabIndex = 0;
    container.appendChild(this.canvas);
    this.k = 1;
    this.tx = 0;
    this.ty = 0;
    this.items = { nodes: [], edges: [] };
    this.onClick = onClick;
    this.bind();
    new ResizeObserver(() => this.draw()).observe(container);
  }

  bind() {
    let drag = null;
    this.canvas.addEventListener('pointerdown', (e) => {
      drag = { x: e.clientX, y: e.clientY, tx: this.tx, ty: this.ty, moved: false };
      this.canvas.setPointerCapture(e.pointerId);
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (!drag) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      this.tx = drag.tx + dx;
      this.ty = drag.ty + dy;
      this.draw();
    });
    this.canvas.addEventListener('pointerup', (e) => {
      if (drag && !drag.moved) {
        const r = this.canvas.getBoundingClientRect();
        const hit = this.hit(e.clientX - r.left, e.clientY - r.top);
        this.onClick(hit ? hit.id : null);
      }
      drag = null;
    });
    this.canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = this.canvas.getBoundingClientRect();
      this.zoomAt(e.clientX - r.left, e.clientY - r.top, e.deltaY < 0 ? 1.25 : 0.8);
    }, { passive: false });
    this.canvas.addEventListener('keydown', (e) => {
      const w = this.canvas.clientWidth / 2;
      const h = this.canvas.clientHeight / 2;
      const step = 40;
      if (e.key === '+' || e.key === '=') this.zoomAt(w, h, 1.25);
      else if (e.key === '-') this.zoomAt(w, h, 0.8);
      else if (e.key === 'ArrowLeft') this.tx += step;
      else if (e.key === 'ArrowRight') this.tx -= step;
      else if (e.key === 'ArrowUp') this.ty += step;
      else if (e.key === 'ArrowDown') this.ty -= step;
      else if (e.key === '0') this.reset();
      else return;
      e.preventDefault();
      this.draw();
    });
  }

  zoomAt(x, y, f) {
    const k = Math.min(40, Math.max(0.5, this.k * f));
    f = k / this.k;
    this.tx = x - (x - this.tx) * f;
    this.ty = y - (y - this.ty) * f;
    this.k = k;
    this.draw();
  }

  reset() {
    this.k = 1;
    this.tx = 0;
    this.ty = 0;
  }

  // set gives the view what to draw: nodes {id, lonlat, color, r, faded,
  // approx, label}, edges {a, b (lonlat), color, width, faded}.
  set(items) {
    this.items = items;
    this.draw();
  }

  project(lonlat) {
    const p = this.proj(lonlat);
    return p ? [p[0] * this.k + this.tx, p[1] * this.k + this.ty] : null;
  }

  hit(x, y) {
    let best = null;
    let bd = 12 * 12;
    for (const n of this.items.nodes) {
      if (n.faded) continue;
      const p = this.project(n.lonlat);
      if (!p) continue;
      const d = (p[0] - x) ** 2 + (p[1] - y) ** 2;
      if (d < bd) {
        bd = d;
        best = n;
      }
    }
    return best;
  }

  draw() {
    const w = this.container.clientWidth;
    const h = this.container.clientHeight;
    if (!w || !h || this.container.hidden) return;
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== w * dpr || this.canvas.height !== h * dpr) {
      this.canvas.width = w * dpr;
      this.canvas.height = h * dpr;
      this.canvas.style.width = w + 'px';
      this.canvas.style.height = h + 'px';
    }
    const { fc } = countries();
    this.proj = projection().fitExtent([[8, 8], [w - 8, h - 8]], fc);
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#f4f7fb';
    ctx.fillRect(0, 0, w, h);
    ctx.save();
    ctx.translate(this.tx, this.ty);
    ctx.scale(this.k, this.k);
    const path = geoPath(this.proj, ctx);
    ctx.beginPath();
    path(geoGraticule10());
    ctx.strokeStyle = '#e2e8f0';
    ctx.lineWidth = 0.5 / this.k;
    ctx.stroke();
    ctx.beginPath();
    path(fc);
    ctx.fillStyle = '#dde3ea';
    ctx.fill();
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = 0.6 / this.k;
    ctx.stroke();
    const edges = [...this.items.edges].sort((a, b) => (b.faded ? 1 : 0) - (a.faded ? 1 : 0));
    for (const e of edges) {
      ctx.beginPath();
      path({ type: 'LineString', coordinates: [e.a, e.b] });
      ctx.strokeStyle = e.color;
      ctx.globalAlpha = e.faded ? 0.5 : 0.75;
      ctx.lineWidth = e.width / this.k;
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    ctx.restore();
    const nodes = [...this.items.nodes].sort((a, b) => (b.faded ? 1 : 0) - (a.faded ? 1 : 0) || a.r - b.r);
    ctx.font = '12px system-ui, sans-serif';
    for (const n of nodes) {
      const p = this.project(n.lonlat);
      if (!p) continue;
      ctx.beginPath();
      ctx.arc(p[0], p[1], n.r, 0, 2 * Math.PI);
      ctx.fillStyle = n.color;
      ctx.fill();
      ctx.lineWidth = n.highlight ? 3 : 1;
      ctx.strokeStyle = n.highlight ? '#c2185b' : n.approx ? '#52606d' : '#ffffff';
      if (n.approx) ctx.setLineDash([2, 2]);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    for (const n of nodes) {
      if (n.faded || !n.showLabel) continue;
      const p = this.project(n.lonlat);
      if (!p) continue;
      ctx.fillStyle = '#1f2933';
      ctx.fillText(n.label, p[0] + n.r + 3, p[1] + 4);
    }
  }
}
