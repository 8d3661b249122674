// The phone layout's buttons (static/agent-tools.css): Menu opens the drawer of views and closes
// on a choice or Escape; Contact shows the contact's screen and Back closes it.
(() => {
  "use strict";
  function set(cls, open, button) {
    document.body.classList.toggle(cls, open);
    if (button) button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  document.body.addEventListener("click", (event) => {
    var target = event.target.closest ? event.target : null;
    if (!target) return;
    var menu = target.closest("[data-drawer-toggle]");
    var contact = target.closest("[data-contact-toggle]");
    if (menu) set("drawer-open", !document.body.classList.contains("drawer-open"), menu);
    else if (contact) {
      const open = !document.body.classList.contains("contact-open");
      set("contact-open", open, contact);
      contact.textContent = open ? "Back" : "Contact";
    } else if (target.closest("nav.views a")) set("drawer-open", false, document.querySelector("[data-drawer-toggle]"));
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    set("drawer-open", false, document.querySelector("[data-drawer-toggle]"));
  });
  document.body.addEventListener("htmx:afterSettle", () => {
    var contact = document.querySelector("[data-contact-toggle]");
    set("contact-open", false, contact);
    if (contact) contact.textContent = "Contact";
  });
})();
