// Export of the view: a PNG of what is drawn, GEXF 1.3 (with positions,
// sizes and colours, for Gephi) and CSV (nodes and edges) of what matches.
import { MultiDirectedGraph } from 'graphology';
import writeGEXF from 'graphology-gexf/browser/writer';

// pngOf composites the canvases (in drawing order) on a white ground.
export function pngOf(canvases) {
  const first = canvases[0];
  const out = document.createElement('canvas');
  out.width = first.width;
  out.height = first.height;
  const ctx = out.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  for (const c of canvases) if (c.width && c.height) ctx.drawImage(c, 0, 0, out.width, out.height);
  return out.toDataURL('image/png');
}

// exportGraph builds the graph to write: the matching actors and, per
// matching exchange, an edge (aggregated views: groups and pair counts).
export function exportGraph(view) {
  const g = new MultiDirectedGraph();
  for (const n of view.nodes) g.addNode(n.id, n.attrs);
  for (const e of view.edges) {
    if (g.hasNode(e.source) && g.hasNode(e.target)) g.addDirectedEdgeWithKey(e.id, e.source, e.target, e.attrs);
  }
  return g;
}

export function gexfOf(view) {
  const g = exportGraph(view);
  return writeGEXF(g, {
    version: '1.3',
    formatNode: (key, a) => {
      const { label, x, y, size, color, ...rest } = a;
      return { label, attributes: rest, viz: { color, size, position: { x, y, z: 0 } } };
    },
    formatEdge: (key, a) => {
      const { label, weight, ...rest } = a;
      return { label, weight: weight ?? 1, attributes: rest };
    },
  });
}

function csvField(v) {
  if (v === null || v === undefined) return '';
  const s = Array.isArray(v) ? v.join(';') : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvOf(rows, columns) {
  const lines = [columns.join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

// csvOf returns nodes.csv and edges.csv of the view.
export function csvFiles(view) {
  const nodeCols = ['id', 'label', ...view.nodeColumns];
  const edgeCols = ['id', 'source', 'target', ...view.edgeColumns];
  return {
    nodes: csvOf(view.nodes.map((n) => ({ id: n.id, ...n.attrs })), nodeCols),
    edges: csvOf(view.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, ...e.attrs })), edgeCols),
  };
}

// download saves text or a data URL under a file name.
export function download(name, content, type) {
  const a = document.createElement('a');
  let url;
  if (content.startsWith('data:')) url = content;
  else url = URL.createObjectURL(new Blob([content], { type }));
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  if (!content.startsWith('data:')) setTimeout(() => URL.revokeObjectURL(url), 1000);
}
