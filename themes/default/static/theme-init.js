/* Runs in <head> before the page is painted: applies the reader's saved light/dark choice
   so the wrong theme never flashes. Without a saved choice the system preference applies. */
try {
  var t = localStorage.getItem("versus-theme");
  if (t === "light" || t === "dark") document.documentElement.setAttribute("data-theme", t);
} catch (e) {}
document.documentElement.classList.add("js");
