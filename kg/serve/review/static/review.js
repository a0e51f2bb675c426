// kg review: keyboard shortcuts, selection-to-quote and scroll sync over plain HTML forms.
// Every action works without this script (the forms post as they are); it only saves clicks.
(function () {
  "use strict";
  const article = document.getElementById("article");
  const rows = () => Array.from(document.querySelectorAll("#cands > li.cand"));
  const cps = (s) => Array.from(s).length; // offsets count code points, as Python does

  function fullText() {
    return Array.from(article.querySelectorAll("[data-start]")).map((e) => e.textContent).join("");
  }

  // A DOM position inside the article as a character offset into the source text.
  function offsetOf(node, offset) {
    if (node.nodeType === Node.TEXT_NODE) {
      const el = node.parentElement;
      if (!el || !el.hasAttribute("data-start")) return null;
      return Number(el.dataset.start) + cps(node.data.slice(0, offset));
    }
    const pieces = Array.from(node.childNodes);
    for (let i = offset; i < pieces.length; i++) {
      const el = pieces[i];
      if (el.nodeType === Node.ELEMENT_NODE && el.hasAttribute("data-start")) return Number(el.dataset.start);
    }
    return cps(fullText());
  }

  // The selection in the article as [start, end, quote], trimmed of surrounding spaces.
  function selected() {
    const sel = window.getSelection();
    if (!article || !sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    if (!article.contains(range.startContainer) || !article.contains(range.endContainer)) return null;
    let start = offsetOf(range.startContainer, range.startOffset);
    let end = offsetOf(range.endContainer, range.endOffset);
    if (start === null || end === null || end <= start) return null;
    const text = Array.from(fullText());
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    if (end <= start) return null;
    return [start, end, text.slice(start, end).join("")];
  }

  function setValue(id, value) {
    const el = document.getElementById(id);
    if (el) el.value = value;
  }

  function onSelection() {
    const found = selected();
    if (!found) return;
    const [start, end, quote] = found;
    setValue("add-start", start);
    setValue("add-end", end);
    const preview = document.getElementById("add-quote");
    if (preview) preview.textContent = quote;
    window.kgSelection = found;
  }

  function useSelection() {
    const found = selected() || window.kgSelection;
    if (!found) return;
    setValue("f-quote", found[2]);
    setValue("ed-start", found[0]);
    setValue("ed-end", found[1]);
  }

  // Selecting a candidate marks it in the list and in the text, and scrolls both to it.
  function choose(row, scrollText = true) {
    if (!row) return;
    rows().forEach((r) => r.classList.toggle("selected", r === row));
    const key = row.dataset.key;
    article.querySelectorAll("mark.hl").forEach((m) => m.classList.toggle("selected", m.dataset.keys.split(" ").includes(key)));
    row.scrollIntoView({ block: "nearest" });
    const mark = article.querySelector(`mark[data-keys~="${key}"]`);
    if (mark && scrollText) mark.scrollIntoView({ block: "center" });
    const url = new URL(window.location.href);
    url.searchParams.set("item", key);
    url.hash = "";
    history.replaceState(null, "", url);
  }

  const current = () => rows().find((r) => r.classList.contains("selected")) || rows()[0];

  function move(step) {
    const all = rows();
    if (!all.length) return;
    const i = all.indexOf(current());
    choose(all[Math.max(0, Math.min(all.length - 1, i + step))]);
  }

  function submit(form) {
    if (!form) return;
    const button = form.querySelector("button[type=submit]");
    if (button && button.disabled) return;
    form.requestSubmit ? form.requestSubmit() : form.submit();
  }

  document.addEventListener("keydown", (event) => {
    const tag = (event.target.tagName || "").toLowerCase();
    if (["input", "textarea", "select"].includes(tag)) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const row = current();
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "a": submit(row && row.querySelector("form.accept-form")); break;
      case "d": submit(row && row.querySelector("form.drop-form")); break;
      case "e": if (row) window.location.href = row.querySelector("a.edit").href; break;
      case "u": submit(document.getElementById("undo-form")); break;
      default: return;
    }
    event.preventDefault();
  });

  if (article) {
    article.addEventListener("mouseup", onSelection);
    article.addEventListener("keyup", onSelection);
    article.addEventListener("click", (event) => {
      const mark = event.target.closest("mark.hl");
      if (!mark || !window.getSelection().isCollapsed) return;
      const keys = mark.dataset.keys.split(" ");
      const now = current();
      const at = now ? keys.indexOf(now.dataset.key) : -1;
      const key = keys[(at + 1) % keys.length]; // a second click reaches the candidate around it
      choose(document.getElementById(`cand-${key}`), false);
    });
  }
  document.querySelectorAll("#cands > li.cand .head").forEach((head) =>
    head.addEventListener("click", (event) => {
      if (event.target.closest("a")) event.preventDefault();
      choose(head.closest("li"));
    }));
  const use = document.getElementById("use-selection");
  if (use) use.addEventListener("click", useSelection);

  // Dates are checked as they are typed.
  let timer = null;
  document.querySelectorAll("input.edtf").forEach((input) => {
    const out = input.parentElement.querySelector(".date-check");
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const answer = await (await fetch(`/review/api/date?value=${encodeURIComponent(input.value)}`)).json();
        out.textContent = answer.message;
        out.className = `date-check ${answer.ok ? "ok" : "error"}`;
        input.setCustomValidity(answer.ok ? "" : answer.message);
      }, 200);
    });
  });

  // The picker: search any name while typing, and add what it finds as choices.
  document.querySelectorAll("input.picker-search").forEach((input) => {
    const picker = input.closest(".picker");
    input.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const url = `/review/api/resolve?q=${encodeURIComponent(input.value)}&types=${picker.dataset.types}`;
        const answer = await (await fetch(url)).json();
        const other = picker.querySelector("input.other-radio").closest("label");
        for (const o of answer.options) {
          if (picker.querySelector(`input[type=radio][value="${CSS.escape(o.id)}"]`)) continue;
          const label = document.createElement("label");
          label.className = "option found";
          const radio = document.createElement("input");
          Object.assign(radio, { type: "radio", name: `f.${picker.dataset.field}`, value: o.id });
          label.append(radio, " ", Object.assign(document.createElement("code"), { textContent: o.id }), " ",
            Object.assign(document.createElement("span"), { className: "badge", textContent: o.type }),
            ` ${o.label_en} `, Object.assign(document.createElement("span"), { lang: "ar", dir: "rtl", textContent: o.label_ar }),
            " ", Object.assign(document.createElement("small"), { className: "note", textContent: o.note }));
          picker.insertBefore(label, other);
        }
      }, 200);
    });
  });
  document.querySelectorAll("input.other").forEach((input) =>
    input.addEventListener("input", () => { input.closest("label").querySelector("input[type=radio]").checked = true; }));
  document.querySelectorAll("button.add-ref").forEach((button) =>
    button.addEventListener("click", () => {
      const target = document.getElementById(button.dataset.target);
      const ids = target.value.split(/[\s,]+/).filter(Boolean);
      if (!ids.includes(button.dataset.id)) ids.push(button.dataset.id);
      target.value = ids.join(", ");
    }));

  document.querySelectorAll("button.use-date").forEach((button) =>
    button.addEventListener("click", () => {
      const target = document.getElementById(button.dataset.target);
      target.value = button.dataset.value;
      target.dispatchEvent(new Event("input"));
    }));

  const first = current();
  if (first && !document.getElementById("editor")) choose(first);
  const editor = document.getElementById("editor");
  if (editor) (editor.closest("li") || editor).scrollIntoView({ block: "start" });
})();
