// What spills over the right edge, and targets smaller than 24x24 CSS px (see layout_problems).
const width = document.documentElement.clientWidth;
function describe(el) {
  let name = el.tagName.toLowerCase();
  if (el.id) name += '#' + el.id;
  if (el.classList.length) name += '.' + [...el.classList].join('.');
  const words = (el.innerText || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 40);
  return words ? `${name} "${words}"` : name;
}
function rendered(el) {
  const style = getComputedStyle(el);
  return el.getClientRects().length > 0 && style.visibility !== 'hidden' && style.display !== 'none';
}
function clipped(el) {
  for (let node = el; node && node !== document.body; node = node.parentElement) {
    const style = getComputedStyle(node);
    if (style.clipPath === 'inset(50%)' || style.clip === 'rect(0px, 0px, 0px, 0px)') return true;
  }
  return false;
}
const overflowing = [];
for (const el of document.body.querySelectorAll('*')) {
  if (!rendered(el) || clipped(el)) continue;
  const rect = el.getBoundingClientRect();
  if (rect.width > 0 && rect.right + window.scrollX > width + 0.5) {
    overflowing.push(`${describe(el)} right edge ${Math.round(rect.right + window.scrollX)}px`);
  }
}
// Words that run past the edge of a box that itself fits (a long address, a nowrap line).
const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const range = document.createRange();
for (let node = texts.nextNode(); node; node = texts.nextNode()) {
  const el = node.parentElement;
  if (!node.textContent.trim() || !rendered(el) || clipped(el)) continue;
  range.selectNodeContents(node);
  const right = Math.max(...[...range.getClientRects()].map(r => r.right + window.scrollX));
  if (right > width + 0.5) overflowing.push(`text in ${describe(el)} runs to ${Math.round(right)}px`);
}
// A link inside a sentence: inline, with words beside it in the same line of text.
function inSentence(el) {
  if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
  let node = el;
  while (node.parentElement && getComputedStyle(node.parentElement).display === 'inline') {
    node = node.parentElement;
  }
  for (const sibling of node.parentElement.childNodes) {
    if (sibling === node) continue;
    if (sibling.nodeType === Node.TEXT_NODE && sibling.textContent.trim()) return true;
    if (sibling.nodeType === Node.ELEMENT_NODE && rendered(sibling) && !clipped(sibling)
        && getComputedStyle(sibling).display.startsWith('inline') && sibling.innerText.trim()) return true;
  }
  return false;
}
const small = [];
const targets = document.querySelectorAll(
  'a[href], button, input:not([type=hidden]), select, textarea, label, summary');
for (const el of targets) {
  if (!rendered(el) || clipped(el) || inSentence(el)) continue;
  const rect = el.getBoundingClientRect();
  if (rect.width < 24 - 0.01 || rect.height < 24 - 0.01) {
    small.push(`${describe(el)} is ${rect.width.toFixed(1)}x${rect.height.toFixed(1)}`);
  }
}
return {
  width: width, innerWidth: window.innerWidth, scrollWidth: document.documentElement.scrollWidth,
  overflowing: overflowing, small: small,
};
