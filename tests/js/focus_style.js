// An element's look with and without focus (arguments: the element, or 'prime' first).
const props = ['outline-style', 'outline-width', 'outline-color', 'box-shadow', 'background-color',
               'border-color', 'color', 'text-decoration-line'];
const style = el => { const s = getComputedStyle(el); return Object.fromEntries(props.map(p => [p, s[p]])); };
if (!window.__unfocused) {
  // Styles of everything focusable while nothing has focus, taken once per page.
  window.__unfocused = new Map();
  const was = document.activeElement;
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')) {
    if (el !== was) window.__unfocused.set(el, style(el));
  }
}
if (arguments[0] === 'prime') return null;
const el = document.activeElement;
let name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '');
name += ' "' + (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40) + '"';
return {
  name: name, id: el.id, tag: el.tagName.toLowerCase(), type: el.type || '', field: el.name || '',
  value: el.value || '', checked: !!el.checked, href: el.getAttribute('href') || '',
  submit: el.matches('main form button[type=submit]'),
  focused: style(el), unfocused: window.__unfocused.get(el) || null,
};
