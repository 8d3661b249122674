/**
 * Puppeteer (pulled in by whatsapp-web.js, plugins/channel-whatsapp-web) must never download a
 * browser: Switchboard drives Debian's /usr/bin/chromium. Puppeteer reads this file when it is
 * installed (`npm ci`, `npm install`) and when it runs, whatever the environment says.
 */
module.exports = { skipDownload: true };
