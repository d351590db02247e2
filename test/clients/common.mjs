// What the client tests share: the server's address and a fetch that
// records what was sent and answered.
export const url = process.env.C2C_URL;
export const apiKey = process.env.C2C_API_KEY;
if (!url) {
  throw new Error('C2C_URL is not set: the Go test TestNodeClients starts the server and sets it');
}

// recordingFetch wraps fetch; requests[i] is {method, query, extensions} of
// the i-th request (query and extensions from the URL of a GET or the JSON
// body of a POST), bodies[i] the decoded POST body, responses[i] the
// decoded response.
export function recordingFetch() {
  const requests = [];
  const bodies = [];
  const responses = [];
  const fetchFn = async (input, init = {}) => {
    const method = (init.method || 'GET').toUpperCase();
    let rec = { method };
    if (method === 'GET') {
      const u = new URL(typeof input === 'string' ? input : input.url);
      rec.query = u.searchParams.get('query') ?? undefined;
      const ext = u.searchParams.get('extensions');
      rec.extensions = ext ? JSON.parse(ext) : undefined;
      bodies.push(undefined);
    } else {
      const body = JSON.parse(init.body);
      bodies.push(body);
      if (!Array.isArray(body)) rec = { method, query: body.query, extensions: body.extensions };
    }
    requests.push(rec);
    const res = await fetch(input, init);
    responses.push(await res.clone().json().catch(() => undefined));
    return res;
  };
  return { fetch: fetchFn, requests, bodies, responses };
}
