// The printable ticket: a print button, and printing right away when the receptionist asked for it.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
  const ticket = document.querySelector(".wk-ticket[data-autoprint]");
  if (ticket) {
    // Drop ?print=1 so a reload does not print again.
    const url = new URL(window.location.href);
    url.searchParams.delete("print");
    window.history.replaceState(null, "", url.toString());
    window.setTimeout(() => window.print(), 150);
  }
});
