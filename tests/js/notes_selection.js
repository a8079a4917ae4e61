// Whether the notes box has focus, and what of its text is selected.
const box = document.getElementById('notes-text');
return [document.activeElement === box, box.selectionStart, box.selectionEnd, box.value.length];
