// Where an element (arguments[0]) sits in the viewport.
const r = arguments[0].getBoundingClientRect();
return {top: r.top, bottom: r.bottom, height: r.height, viewport: window.innerHeight};
