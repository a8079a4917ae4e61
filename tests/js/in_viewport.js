// Whether the element matching arguments[0] is wholly on screen.
const r = document.querySelector(arguments[0]).getBoundingClientRect();
return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth && r.height > 0;
