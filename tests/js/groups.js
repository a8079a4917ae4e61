// The radio and checkbox groups in <main>: name, type, values, ids and which are checked.
const groups = [], byName = new Map();
for (const input of document.querySelectorAll('main input[type=radio], main input[type=checkbox]')) {
  let group = byName.get(input.name);
  if (!group) {
    group = {name: input.name, type: input.type, values: [], ids: [], checked: []};
    byName.set(input.name, group);
    groups.push(group);
  }
  group.values.push(input.value);
  group.ids.push(input.id);
  if (input.checked) group.checked.push(input.value);
}
return groups;
