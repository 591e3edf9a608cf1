// Small behaviours shared by the pages. No framework; htmx does the partial updates.
(function () {
  "use strict";
  // Signature pads: <canvas class="sigpad" data-target="input-id">
  function initPad(canvas) {
    if (canvas.dataset.ready) return;
    canvas.dataset.ready = "1";
    const target = document.getElementById(canvas.dataset.target);
    const ratio = window.devicePixelRatio || 1;
    const rect = canvas.getBoundingClientRect();
    canvas.width = rect.width * ratio; canvas.height = rect.height * ratio;
    const ctx = canvas.getContext("2d");
    ctx.scale(ratio, ratio); ctx.lineWidth = 2.2; ctx.lineCap = "round"; ctx.strokeStyle = "#111";
    let drawing = false, drawn = false;
    function pos(e) { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; }
    canvas.addEventListener("pointerdown", (e) => { drawing = true; canvas.setPointerCapture(e.pointerId); const [x, y] = pos(e); ctx.beginPath(); ctx.moveTo(x, y); });
    canvas.addEventListener("pointermove", (e) => { if (!drawing) return; const [x, y] = pos(e); ctx.lineTo(x, y); ctx.stroke(); drawn = true; });
    const end = () => { if (!drawing) return; drawing = false; if (drawn && target) target.value = canvas.toDataURL("image/png"); };
    canvas.addEventListener("pointerup", end); canvas.addEventListener("pointerleave", end);
    const clear = document.querySelector(`[data-clear="${canvas.id}"]`);
    if (clear) clear.addEventListener("click", (e) => { e.preventDefault(); ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = false; if (target) target.value = ""; });
  }
  // Lists that stack their rows on a phone (<table class="list stack">) hide their header there:
  // each cell but a row's first (its number or name) carries its column's name as data-label,
  // which the phone's style shows before the value. A value of several lines (<br> between
  // them) is wrapped in one box, so its lines stay beside the label, one under the other.
  function labelCells(table) {
    const names = Array.from(table.querySelectorAll("thead th"), (th) => th.textContent.trim());
    table.querySelectorAll("tbody tr").forEach((row) => {
      Array.from(row.cells).forEach((cell, i) => {
        if (i > 0 && names[i] && cell.colSpan === 1 && !cell.dataset.label) cell.dataset.label = names[i];
        if (cell.dataset.label && cell.querySelector(":scope > br") && !cell.querySelector(":scope > .stack-value")) {
          const box = document.createElement("span");
          box.className = "stack-value";
          box.append(...cell.childNodes);
          cell.append(box);
        }
      });
    });
  }
  function init(root) {
    root.querySelectorAll("canvas.sigpad").forEach(initPad);
    const table = root.closest ? root.closest("table.list.stack") : null;
    (table ? [table] : root.querySelectorAll("table.list.stack")).forEach(labelCells);
  }
  document.addEventListener("DOMContentLoaded", () => init(document));
  document.addEventListener("htmx:afterSwap", (e) => init(e.target));
  // Keyboard: "/" focuses the page's search box, else the top bar's quick find; Alt+N opens a
  // new call.
  document.addEventListener("keydown", (e) => {
    const tag = (e.target.tagName || "").toLowerCase();
    if (e.key === "/" && !["input", "textarea", "select"].includes(tag)) {
      const box = document.querySelector("[data-search]") || document.querySelector("[data-quickfind]");
      if (box) { e.preventDefault(); box.focus(); }
    }
    if (e.altKey && (e.key === "n" || e.key === "N")) { const link = document.querySelector("[data-new-call]"); if (link) { e.preventDefault(); link.click(); } }
  });
  // The main navigation's groups (<details class="navgroup">): one open at a time; Escape closes
  // it and puts the focus back on its summary; a click anywhere else closes it.
  const openGroups = () => document.querySelectorAll("details.navgroup[open]");
  document.addEventListener("toggle", (e) => {
    const group = e.target;
    if (!group.matches || !group.matches("details.navgroup") || !group.open) return;
    openGroups().forEach((other) => { if (other !== group) other.open = false; });
  }, true); // toggle does not bubble: listen while it goes down
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    openGroups().forEach((group) => {
      group.open = false;
      e.preventDefault();
      group.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", (e) => {
    openGroups().forEach((group) => { if (!group.contains(e.target)) group.open = false; });
  });
})();
