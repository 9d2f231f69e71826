// cvcourse's offline deck: a (sub)slide taller than the slide box continues on a new subslide
// below it, measured in the browser that shows it (so the lecture room's own fonts count).
// `python -m cvcourse.slides tag` already starts subslides where the cells fit; this only splits
// what one cell alone cannot fit: a long text at its paragraphs, a code cell before its outputs.
// window.cvcourseDeck is a promise that resolves (to the number of slides added) when done.
window.cvcourseDeck = new Promise(resolve => {
  require(["lecture/reveal.js/dist/reveal.js"], Reveal => {
    const PAD = 20; // reveal.js pads a slide 20 px above and below

    // the parts a slide may break between: a text's paragraphs, a code cell's input and outputs
    const partsOf = cell => {
      const text = cell.querySelector(".jp-RenderedMarkdown");
      if (cell.classList.contains("jp-MarkdownCell")) return text ? [...text.children] : [];
      return [
        cell.querySelector(".jp-Cell-inputWrapper"),
        ...cell.querySelectorAll(".jp-OutputArea-child"),
      ].filter(Boolean);
    };

    // move `part` (of `cell`), what follows it in the cell and the cells after it to a new
    // subslide after `section`; a cell cut in two keeps its frame (a copy of its outer elements)
    const splitAt = (section, cell, part) => {
      const next = document.createElement("section");
      let moved = cell;
      if (part !== partsOf(cell)[0]) {
        moved = cell.cloneNode(false);
        moved.removeAttribute("id");
        if (cell.id) moved.dataset.cellId = cell.id.replace(/^cell-id=/, "");
        moved.classList.add("cvc-continued");
        let inner = moved;
        const chain = [];
        for (let e = part.parentElement; e !== cell; e = e.parentElement) chain.unshift(e);
        for (const e of chain) {
          inner = inner.appendChild(e.cloneNode(false));
          inner.removeAttribute("id");
        }
        for (let e = part, following; e; e = following) {
          following = e.nextElementSibling;
          inner.appendChild(e);
        }
      }
      const after = [];
      for (let e = cell.nextElementSibling; e; e = e.nextElementSibling) after.push(e);
      next.append(moved, ...after);
      section.after(next);
      return next;
    };

    const paginate = () => {
      const reveal = document.querySelector(".reveal");
      const H = Reveal.getConfig().height;
      reveal.classList.add("cvc-measuring");
      let added = 0;
      const todo = [...document.querySelectorAll(".reveal .slides > section > section")];
      while (todo.length) {
        const section = todo.shift();
        if (section.scrollHeight <= H) continue;
        const scale = Reveal.getScale();
        const top = section.getBoundingClientRect().top;
        const parts = [...section.querySelectorAll(":scope > .jp-Cell")].flatMap(
          cell => partsOf(cell).map(part => [cell, part]));
        let over = parts.findIndex(
          ([, part]) => (part.getBoundingClientRect().bottom - top) / scale > H - PAD - 10);
        if (over < 0) over = parts.length - 1; // the margins below the last part do not fit
        if (over <= 0) continue; // one part alone is taller than the box: it stays (and scrolls)
        todo.unshift(section, splitAt(section, ...parts[over]));
        added += 1;
      }
      reveal.classList.remove("cvc-measuring");
      if (added) {
        const here = Reveal.getIndices();
        Reveal.sync();
        Reveal.slide(here.h, here.v);
      }
      resolve(added);
    };

    const settled = () =>
      Promise.all([...document.images].map(i => i.decode().catch(() => null)))
        .then(() => document.fonts.ready)
        .then(() => (window.MathJax && MathJax.Hub ? new Promise(ok => MathJax.Hub.Queue(ok)) : null))
        .then(paginate)
        .catch(e => { console.error(e); resolve(-1); });
    Reveal.isReady() ? settled() : Reveal.addEventListener("ready", settled);
  }, () => resolve(-1));
});
