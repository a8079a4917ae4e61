// Run axe-core (already on the page) for the WCAG tags in arguments[0]; call back with
// its violations, each with the nodes it found (asynchronous: the last argument is the callback).
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(r => done(r.violations.map(v => ({
     id: v.id, impact: v.impact, help: v.help,
     nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}))))
  .catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));
