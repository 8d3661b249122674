/**
 * Core's version, read from core/package.json (the one place it is written), so `VERSION`, the
 * plugin loader's version check and the published package never disagree.
 */
import corePackage from "../package.json" with { type: "json" };

/**
 * The version of @switchboard/core that is running.
 *
 * @example
 * import { VERSION } from "@switchboard/core";
 * console.log(`Switchboard ${VERSION}`); // "Switchboard 1.1.0"
 */
export const VERSION: string = corePackage.version;
