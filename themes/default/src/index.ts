/**
 * @switchboard/theme-default: the inbox's default look, light and dark. A theme is CSS variables
 * (theme.css) plus optional JSX slot overrides; this one overrides no slot.
 */
import { fileURLToPath } from "node:url";
import { defineTheme } from "@switchboard/core";

export default defineTheme({
  name: "default",
  stylesheets: [fileURLToPath(new URL("./theme.css", import.meta.url))],
});
