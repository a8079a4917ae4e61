// Each emergency link, the points a thumb may land on (the centre and 3px inside each edge of
// every line box of the link), and which link the page gives a tap there.
const misses = [];
for (const link of document.querySelectorAll('.emergency-strip a')) {
  for (const r of link.getClientRects()) {
    const points = {
      centre: [r.left + r.width / 2, r.top + r.height / 2],
      top: [r.left + r.width / 2, r.top + 3], bottom: [r.left + r.width / 2, r.bottom - 3],
      left: [r.left + 3, r.top + r.height / 2], right: [r.right - 3, r.top + r.height / 2],
    };
    for (const [where, [x, y]] of Object.entries(points)) {
      const hit = document.elementFromPoint(x, y);
      const got = hit && hit.closest('a');
      if (got !== link) {
        misses.push(`${link.textContent.trim()} (${link.getAttribute('href')}) ${where}: ` +
                    (got ? `${got.textContent.trim()} (${got.getAttribute('href')})` : String(hit && hit.tagName)));
      }
    }
  }
}
return misses;
