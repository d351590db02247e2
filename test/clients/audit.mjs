// The GraphQL-over-HTTP reference audit (graphql-http's serverAudits)
// against the c2c server at C2C_URL. Prints every audit and the counts, and
// exits 1 unless every audit is ok.
import { serverAudits } from 'graphql-http';

const url = process.env.C2C_URL;
if (!url) {
  console.error('C2C_URL is not set');
  process.exit(2);
}
const results = await Promise.all(serverAudits({ url }).map((a) => a.fn()));
const counts = { ok: 0, warn: 0, error: 0 };
for (const r of results) {
  counts[r.status]++;
  const line = `${r.status.padEnd(5)} ${r.id} ${r.name}`;
  if (r.status === 'ok') {
    console.log(line);
  } else {
    const res = r.response;
    const body = res ? await res.text().catch(() => '') : '';
    console.log(`${line}\n      ${r.reason}${res ? ` (status ${res.status}, body ${body.slice(0, 300)})` : ''}`);
  }
}
console.log(`audit: ${counts.ok} ok, ${counts.warn} warn, ${counts.error} error of ${results.length}`);
process.exit(counts.warn + counts.error === 0 ? 0 : 1);
