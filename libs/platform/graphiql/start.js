// Starts GraphiQL on the page the API serves at GET /graphql. A file rather than an inline script,
// so that the page runs under `Content-Security-Policy: default-src 'self'`.
/* global document, GraphiQL, React, ReactDOM */
const root = document.getElementById('graphiql');
const fetcher = GraphiQL.createFetcher({ url: root.dataset.url });
root.textContent = '';
ReactDOM.createRoot(root).render(
  React.createElement(GraphiQL, {
    fetcher,
    // Every operation needs a key; the header is ready for it. Not persisted: a key in
    // localStorage outlives the session.
    defaultHeaders: JSON.stringify({ Authorization: 'Bearer ' }, null, 2),
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: 'headers',
  }),
);
