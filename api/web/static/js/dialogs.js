// Modal dialogs on <dialog>: focus moves in and back, Escape closes, buttons are real buttons.

import { h } from "./dom.js";

/** openDialog({id, title, body, actions: [{label, onclick, primary, danger, id, keepOpen}], role}) */
export function openDialog({ id, title, body, actions = [], role = "dialog", wide = false }) {
  document.getElementById(id)?.remove();
  const opener = document.activeElement;
  const titleId = `${id}-title`;
  const dialog = h("dialog", { id, class: ["dialog", wide && "wide"], role: role === "alertdialog" ? "alertdialog" : null, "aria-labelledby": titleId });
  const buttons = actions.map((action) =>
    h("button", {
      type: "button",
      id: action.id,
      class: ["btn", action.primary && "primary", action.danger && "danger"],
      onclick: async () => {
        if (action.onclick) {
          const keep = await action.onclick(dialog);
          if (keep === true || action.keepOpen) return;
        }
        dialog.close();
      },
    }, action.label),
  );
  dialog.append(
    h("h2", { id: titleId }, title),
    h("div", { class: "dialog-body" }, ...[body].flat()),
    h("div", { class: "dialog-actions" }, ...buttons),
  );
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (opener && document.contains(opener)) opener.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  (dialog.querySelector("[autofocus]") || buttons[0])?.focus();
  return dialog;
}
