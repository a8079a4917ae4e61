// Open (arguments[0] true) or close every <details> on the page.
const open = arguments[0];
document.querySelectorAll('details').forEach(d => { d.open = open; });
