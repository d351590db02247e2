// GraphiQL as c2c serves it at /graphiql: every script, style and font is
// in this bundle, so the page works with no other host reachable.
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import 'graphiql/style.css';

const defaultQuery = `# Ask c2c. Ctrl-Enter runs the query; the Docs pane lists every type.
{
  search(text: "Durban") { rank actor { id name altNames country { name } } }
  actor(id: "ethekwini") {
    name
    partners(first: 5) { partner { name } exchanges first last themes { label } }
  }
}
`;

const fetcher = createGraphiQLFetcher({ url: new URL('/graphql', window.location.href).href });
createRoot(document.getElementById('graphiql')).render(
  <GraphiQL fetcher={fetcher} defaultQuery={defaultQuery} />,
);
