/** @jsxImportSource hono/jsx */
/**
 * A message's files in the timeline. Files whose bytes Switchboard keeps are served from this site
 * (/inbox/attachments/:id; only safe image types inline). A file kept as a URL only (too large, of a
 * refused type, unreachable, or on a private address) is shown as an outside link, plainly marked,
 * with the reason the channel gave in `metadata.attachmentsNotStored`: it never loads inline and
 * never goes through this site's address.
 */
import type { Message } from "../../store/messages.ts";
import type { ConversationPageData } from "../conversation-data.ts";

type File = NonNullable<ReturnType<ConversationPageData["attachmentsByMessage"]["get"]>>[number];

/** Why a file was kept as a link only, as the channel recorded it on the message. */
function notStoredReason(message: Message, file: File): string | undefined {
  const notes = message.metadata.attachmentsNotStored;
  if (!Array.isArray(notes)) return undefined;
  const note = notes.find(
    (n: unknown) =>
      typeof n === "object" &&
      n !== null &&
      (n as { url?: unknown }).url === file.url &&
      (n as { filename?: unknown }).filename === file.filename,
  );
  const reason = (note as { reason?: unknown } | undefined)?.reason;
  return typeof reason === "string" ? reason : undefined;
}

function OutsideLink(props: { message: Message; file: File }) {
  const { file } = props;
  const reason = notStoredReason(props.message, file);
  const note = `outside link, not stored${reason ? `: ${reason}` : ""}`;
  return (
    <div class="file outside">
      {file.url && /^https?:\/\//i.test(file.url) ? (
        <a href={file.url} target="_blank" rel="noopener noreferrer nofollow" referrerpolicy="no-referrer" title={file.url}>
          {file.filename} ↗
        </a>
      ) : (
        <span>{file.filename}</span>
      )}{" "}
      <span class="muted">({note})</span>
    </div>
  );
}

/** The files of one message. */
export function MessageFiles(props: { message: Message; files: File[] }) {
  return (
    <>
      {props.files.map((f) =>
        !f.stored ? (
          <OutsideLink message={props.message} file={f} />
        ) : f.contentType.startsWith("image/") ? (
          <a href={`/inbox/attachments/${f.id}`} target="_blank" rel="noopener">
            <img class="attachment" src={`/inbox/attachments/${f.id}`} alt={f.filename} loading="lazy" />
          </a>
        ) : (
          <div class="file">
            <a href={`/inbox/attachments/${f.id}`} download={f.filename}>
              {f.filename}
            </a>{" "}
            <span class="muted">({Math.ceil(f.size / 1024)} KB)</span>
          </div>
        ),
      )}
    </>
  );
}
