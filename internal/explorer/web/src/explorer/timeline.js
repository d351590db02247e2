// The time window: a per-year histogram of the exchanges in view with a
// brush (drag across the bars, or type the years) and a play button that
// slides the window forward a year at a time.
const SVG = 'http://www.w3.org/2000/svg';

function el(name, attrs = {}) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

export class Timeline {
  constructor(root, { onWindow }) {
    this.root = root;
    this.onWindow = onWindow;
    this.svg = root.querySelector('svg');
    this.fromInput = root.querySelector('#from');
    this.toInput = root.querySelector('#to');
    this.playButton = root.querySelector('#play');
    this.clearButton = root.querySelector('#clear-window');
    this.summary = root.querySelector('#timeline-summary');
    this.years = [];
    this.window = [null, null];
    this.timer = null;
    this.bind();
    new ResizeObserver(() => this.draw()).observe(this.svg);
  }

  bind() {
    const commit = () => {
      const f = this.fromInput.value ? Number(this.fromInput.value) : null;
      const t = this.toInput.value ? Number(this.toInput.value) : null;
      this.onWindow(f, t);
    };
    this.fromInput.addEventListener('change', commit);
    this.toInput.addEventListener('change', commit);
    this.clearButton.addEventListener('click', () => {
      this.stop();
      this.onWindow(null, null);
    });
    this.playButton.addEventListener('click', () => (this.timer ? this.stop() : this.play()));
    let start = null;
    const yearAt = (e) => {
      const r = this.svg.getBoundingClientRect();
      const i = Math.floor(((e.clientX - r.left) / r.width) * this.years.length);
      const y = this.years[Math.max(0, Math.min(this.years.length - 1, i))];
      return y ? y.year : null;
    };
    this.svg.addEventListener('pointerdown', (e) => {
      if (!this.years.length) return;
      start = yearAt(e);
      this.svg.setPointerCapture(e.pointerId);
      this.preview(start, start);
    });
    this.svg.addEventListener('pointermove', (e) => {
      if (start === null) return;
      const y = yearAt(e);
      this.preview(Math.min(start, y), Math.max(start, y));
    });
    this.svg.addEventListener('pointerup', (e) => {
      if (start === null) return;
      const y = yearAt(e);
      const [f, t] = [Math.min(start, y), Math.max(start, y)];
      start = null;
      this.onWindow(f, t);
    });
  }

  // set gives the histogram: years [{year, count, matching}], undated count.
  set(years, undated, note) {
    this.years = years;
    this.undated = undated;
    this.note = note;
    this.draw();
  }

  setWindow(from, to) {
    this.window = [from, to];
    this.fromInput.value = from ?? '';
    this.toInput.value = to ?? '';
    this.draw();
  }

  preview(f, t) {
    this.window = [f, t];
    this.draw();
  }

  play() {
    if (!this.years.length) return;
    const first = this.years[0].year;
    const last = this.years[this.years.length - 1].year;
    let [f, t] = this.window;
    const width = f && t ? t - f : 0;
    if (!f || !t || t >= last) {
      f = first;
      t = first + width;
    }
    this.playButton.textContent = '⏸ Pause';
    this.playButton.setAttribute('aria-pressed', 'true');
    this.onWindow(f, t);
    this.timer = setInterval(() => {
      if (t >= last) {
        this.stop();
        return;
      }
      f++;
      t++;
      this.onWindow(f, t);
    }, 700);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    this.playButton.textContent = '▶ Play';
    this.playButton.setAttribute('aria-pressed', 'false');
  }

  playing() {
    return !!this.timer;
  }

  draw() {
    const svg = this.svg;
    const w = svg.clientWidth || 600;
    const h = svg.clientHeight || 64;
    svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
    svg.replaceChildren();
    const n = this.years.length;
    const total = this.years.reduce((s, y) => s + y.count, 0);
    const inWindow = this.years.filter((y) => this.inWindow(y.year)).reduce((s, y) => s + y.count, 0);
    this.summary.textContent = n
      ? `${total} dated exchange${total === 1 ? '' : 's'}, ${this.years[0].year}–${this.years[n - 1].year}` +
        (this.window[0] || this.window[1] ? `; ${inWindow} in the window` : '') +
        (this.undated ? `; ${this.undated} undated` : '') + (this.note ? ` (${this.note})` : '')
      : 'No dated exchange in view';
    if (!n) return;
    const max = Math.max(1, ...this.years.map((y) => y.count));
    const bw = w / n;
    const [f, t] = this.window;
    if (f || t) {
      const i0 = f ? Math.max(0, f - this.years[0].year) : 0;
      const i1 = t ? Math.min(n - 1, t - this.years[0].year) : n - 1;
      svg.appendChild(el('rect', { x: i0 * bw, y: 0, width: Math.max(0, (i1 - i0 + 1) * bw), height: h - 14, class: 'brush' }));
    }
    this.years.forEach((y, i) => {
      const bh = ((h - 16) * y.count) / max;
      const on = this.inWindow(y.year);
      const g = el('rect', { x: i * bw + 0.5, y: h - 14 - bh, width: Math.max(1, bw - 1), height: bh, class: on ? 'bar' : 'bar out' });
      const title = el('title');
      title.textContent = `${y.year}: ${y.count} exchange${y.count === 1 ? '' : 's'}`;
      g.appendChild(title);
      svg.appendChild(g);
      if (y.matching !== undefined && y.matching < y.count && on) {
        const mh = ((h - 16) * y.matching) / max;
        svg.appendChild(el('rect', { x: i * bw + 0.5, y: h - 14 - mh, width: Math.max(1, bw - 1), height: mh, class: 'bar match' }));
      }
    });
    const step = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(w / 48))));
    this.years.forEach((y, i) => {
      if (i % step) return;
      const tx = el('text', { x: i * bw + bw / 2, y: h - 2, class: 'tick' });
      tx.textContent = y.year;
      svg.appendChild(tx);
    });
  }

  inWindow(year) {
    const [f, t] = this.window;
    return (!f || year >= f) && (!t || year <= t);
  }
}
