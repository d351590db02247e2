// A typeahead over the API's search (accent- and alias-insensitive), as an
// ARIA combobox: arrows move, Enter picks, Escape closes.
import { gql, Q_SEARCH } from './api.js';

let uid = 0;

export class Typeahead {
  constructor(input, { onPick, placeholder }) {
    this.input = input;
    this.onPick = onPick;
    this.hits = [];
    this.active = -1;
    this.seq = 0;
    const id = `typeahead-${++uid}`;
    this.list = document.createElement('ul');
    this.list.id = id;
    this.list.className = 'typeahead';
    this.list.setAttribute('role', 'listbox');
    this.list.hidden = true;
    input.after(this.list);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', id);
    input.autocomplete = 'off';
    if (placeholder) input.placeholder = placeholder;
    let timer;
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.lookup(), 120);
    });
    input.addEventListener('keydown', (e) => this.key(e));
    input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
  }

  async lookup() {
    const text = this.input.value.trim();
    const seq = ++this.seq;
    if (!text) {
      this.close();
      return;
    }
    try {
      const data = await gql(Q_SEARCH, { text: text.slice(0, 200) });
      if (seq !== this.seq) return;
      this.hits = data.search;
    } catch (err) {
      if (seq !== this.seq) return;
      this.hits = [];
      this.error = err.message;
    }
    this.active = this.hits.length ? 0 : -1;
    this.render();
  }

  render() {
    this.list.replaceChildren();
    if (!this.hits.length) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = this.error || 'No actor found';
      this.list.appendChild(li);
    }
    this.hits.forEach((h, i) => {
      const li = document.createElement('li');
      li.id = `${this.list.id}-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', String(i === this.active));
      li.dataset.id = h.actor.id;
      const name = document.createElement('span');
      name.textContent = h.actor.name;
      const meta = document.createElement('small');
      const aka = h.actor.altNames.length ? ` · also ${h.actor.altNames.slice(0, 2).join(', ')}` : '';
      meta.textContent = `${h.actor.kind.toLowerCase()}${h.actor.country ? ', ' + h.actor.country.name : ''}${aka}`;
      li.append(name, meta);
      li.addEventListener('mousedown', (e) => {
        e.preventDefault();
        this.pick(i);
      });
      this.list.appendChild(li);
    });
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.input.setAttribute('aria-activedescendant', this.active >= 0 ? `${this.list.id}-${this.active}` : '');
  }

  key(e) {
    if (this.list.hidden && e.key === 'ArrowDown') {
      this.lookup();
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!this.hits.length) return;
      const d = e.key === 'ArrowDown' ? 1 : -1;
      this.active = (this.active + d + this.hits.length) % this.hits.length;
      this.render();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (this.active >= 0) this.pick(this.active);
    } else if (e.key === 'Escape') {
      this.close();
    }
  }

  pick(i) {
    const h = this.hits[i];
    this.input.value = h.actor.name;
    this.close();
    this.onPick(h.actor);
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  set(text) {
    this.input.value = text;
  }
}
