// The text of an element (arguments[0]) once a script has put some there.
const s = arguments[0];
return new Promise(r => {
  const t = setInterval(() => { if (s.textContent) { clearInterval(t); r(s.textContent); } }, 20);
});
