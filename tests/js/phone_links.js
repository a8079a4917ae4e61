// Every visible tel: and sms: link: its address, words and height.
return [...document.querySelectorAll('a[href^="tel:"], a[href^="sms:"]')]
  .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
  .map(el => ({href: el.getAttribute('href'), text: el.innerText.trim(),
               height: el.getBoundingClientRect().height}));
